import { useEffect, useState } from 'react';
import { DEFAULT_BRAND, useBrand } from '../../brand/brand';
import { BrandMark } from '../../layout/BrandMark';
import { contrastText, isHexColor } from '../../lib/color';
import { Button } from '../../ui/Button';
import { Callout } from '../../ui/Callout';
import { Field, TextField } from '../../ui/Field';
import { FormError } from '../../ui/FormParts';
import { useSubmit } from '../../ui/useSubmit';
import {
  DEFAULT_COLOR,
  toBody,
  toForm,
  validateWhitelabel,
  WHITELABEL_FIELDS,
  type WhitelabelForm,
} from './whitelabelForm';

export function WhitelabelCard() {
  const brand = useBrand();
  const [form, setForm] = useState<WhitelabelForm>(() => toForm(brand.settings));
  const [touched, setTouched] = useState(false);

  // The settings arrive after the first render on a cold load; fill the form once they do.
  useEffect(() => {
    if (!touched) setForm(toForm(brand.settings));
  }, [brand.settings, touched]);

  const { busy, errors, onSubmit, clear } = useSubmit({
    fields: WHITELABEL_FIELDS,
    validate: () => validateWhitelabel(form),
    action: async () => {
      const saved = await brand.save(toBody(form));
      setForm(toForm(saved));
      setTouched(false);
    },
    success: 'White-label settings saved.',
  });

  function update(patch: Partial<WhitelabelForm>) {
    setTouched(true);
    setForm((current) => ({ ...current, ...patch }));
    clear(['form', ...(Object.keys(patch) as (keyof WhitelabelForm)[])]);
  }

  const previewColor = isHexColor(form.primaryColor) ? form.primaryColor : DEFAULT_COLOR;
  const previewName = form.brandName.trim() || DEFAULT_BRAND;

  return (
    <section className="card" aria-labelledby="whitelabel-title">
      <div className="card-header">
        <h2 id="whitelabel-title" className="card-title">
          White label
        </h2>
        <p className="card-description">
          Your brand on this dashboard. Saved settings apply at once.
        </p>
      </div>
      {brand.status === 'loading' ? (
        <div className="card-body">
          <div
            className="skeleton skeleton-block"
            role="status"
            aria-label="Loading white-label settings"
          />
        </div>
      ) : (
        <form className="card-body stack" noValidate onSubmit={onSubmit}>
          {brand.status === 'error' && !touched && (
            <Callout tone="warning" role="status">
              Your saved settings did not load; saving replaces them with what is below.
            </Callout>
          )}
          <FormError message={errors.form} />
          <div className="grid-2">
            <TextField
              label="Brand name"
              value={form.brandName}
              onChange={(brandName) => update({ brandName })}
              error={errors.brandName}
              placeholder="Acme Voice"
              maxLength={60}
              hint="Shown in the sidebar and the tab title."
            />
            <Field
              label="Primary colour"
              error={errors.primaryColor}
              hint="Buttons, links and highlights."
            >
              {(control) => (
                <div className="color-field">
                  <input
                    type="color"
                    className="color-swatch"
                    aria-label="Pick the primary colour"
                    value={previewColor}
                    onChange={(event) => update({ primaryColor: event.target.value })}
                  />
                  <input
                    className="input input-mono"
                    value={form.primaryColor}
                    placeholder={DEFAULT_COLOR}
                    maxLength={7}
                    spellCheck={false}
                    onChange={(event) => update({ primaryColor: event.target.value })}
                    {...control}
                  />
                </div>
              )}
            </Field>
            <TextField
              label="Logo URL"
              type="url"
              value={form.logoUrl}
              onChange={(logoUrl) => update({ logoUrl })}
              error={errors.logoUrl}
              placeholder="https://acme.example/logo.svg"
              hint="A square image over HTTPS."
            />
            <TextField
              label="Support email"
              type="email"
              value={form.supportEmail}
              onChange={(supportEmail) => update({ supportEmail })}
              error={errors.supportEmail}
              placeholder="support@acme.example"
            />
            <TextField
              label="Custom domain"
              value={form.customDomain}
              onChange={(customDomain) => update({ customDomain })}
              error={errors.customDomain}
              placeholder="voice.acme.example"
              hint="A host name you point at this service."
            />
            <div className="field">
              <span className="field-label">Preview</span>
              <div className="brand-preview">
                <BrandMark name={previewName} logoUrl={brand.settings?.logoUrl} size={28} />
                <span className="brand-preview-name">{previewName}</span>
                <span
                  className="brand-preview-button"
                  style={{ background: previewColor, color: contrastText(previewColor) }}
                >
                  Button
                </span>
              </div>
            </div>
          </div>
          <div className="form-actions">
            <Button type="submit" variant="primary" loading={busy}>
              Save white label
            </Button>
          </div>
        </form>
      )}
    </section>
  );
}
