import type { Business } from '@iqra/sdk';
import { useMemo, useRef, useState } from 'react';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { Dialog } from '../../ui/Dialog';
import { Field, TextField } from '../../ui/Field';
import { DialogFormActions, FormError } from '../../ui/FormParts';
import { useSubmit } from '../../ui/useSubmit';
import { checkName } from '../auth/validation';

export interface BusinessInput {
  name: string;
  timezone?: string;
  defaultLanguage?: string;
}

const LANGUAGES: { tag: string; label: string }[] = [
  { tag: 'en', label: 'English' },
  { tag: 'en-GB', label: 'English (UK)' },
  { tag: 'es', label: 'Spanish' },
  { tag: 'fr', label: 'French' },
  { tag: 'de', label: 'German' },
  { tag: 'it', label: 'Italian' },
  { tag: 'pt-BR', label: 'Portuguese (Brazil)' },
  { tag: 'nl', label: 'Dutch' },
  { tag: 'ar', label: 'Arabic' },
  { tag: 'hi', label: 'Hindi' },
  { tag: 'ja', label: 'Japanese' },
];

function browserTimezone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

function timezones(current: string): string[] {
  const supported =
    typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return [...new Set(['UTC', current, ...supported])];
}

/** Creates a business (name, time zone, language) or renames one (name only). */
export function BusinessFormDialog({
  business,
  onSave,
  onCancel,
}: {
  /** Absent: create. */
  business?: Business;
  onSave: (input: BusinessInput) => Promise<void>;
  onCancel: () => void;
}) {
  const creating = !business;
  const [name, setName] = useState(business?.name ?? '');
  const [timezone, setTimezone] = useState(browserTimezone);
  const [language, setLanguage] = useState('en');
  const nameRef = useRef<HTMLInputElement>(null);
  const zones = useMemo(() => timezones(timezone), [timezone]);
  const unchanged = !creating && name.trim() === business.name;

  const { busy, errors, onSubmit, bind } = useSubmit({
    fields: ['name', 'timezone', 'defaultLanguage'],
    validate: () => {
      const nameError = checkName(name, 'a name for the business');
      if (nameError) nameRef.current?.focus();
      return { name: nameError };
    },
    action: () =>
      unchanged
        ? Promise.resolve(onCancel())
        : onSave(
            creating
              ? { name: name.trim(), timezone, defaultLanguage: language }
              : { name: name.trim() },
          ),
    leavesOnSuccess: true,
  });

  return (
    <Dialog
      title={creating ? 'New business' : 'Rename business'}
      description={
        creating
          ? 'A business is a workspace: its own agents, calls, conversations and webhooks.'
          : undefined
      }
      onClose={onCancel}
      onSubmit={onSubmit}
      busy={busy}
      initialFocus={nameRef}
      size="sm"
      footer={
        <DialogFormActions
          busy={busy}
          submitLabel={creating ? 'Create business' : 'Save'}
          onCancel={onCancel}
        />
      }
    >
      <FormError message={errors.form} />
      <TextField
        ref={nameRef}
        label="Name"
        {...bind('name', name, setName)}
        placeholder="Dental Clinic"
        maxLength={100}
        autoComplete="off"
        required
      />
      {creating && (
        <div className="grid-2">
          <Field label="Time zone" error={errors.timezone}>
            {(control) => (
              <select
                className="input select"
                value={timezone}
                onChange={(event) => setTimezone(event.target.value)}
                {...control}
              >
                {zones.map((zone) => (
                  <option key={zone} value={zone}>
                    {zone}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Default language" error={errors.defaultLanguage}>
            {(control) => (
              <select
                className="input select"
                value={language}
                onChange={(event) => setLanguage(event.target.value)}
                {...control}
              >
                {LANGUAGES.map((item) => (
                  <option key={item.tag} value={item.tag}>
                    {item.label}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
      )}
    </Dialog>
  );
}

/** Disabling refuses every API request for the business until it is enabled again. */
export function DisableBusinessDialog({
  business,
  onConfirm,
  onCancel,
}: {
  business: Business;
  onConfirm: () => Promise<void>;
  onCancel: () => void;
}) {
  return (
    <ConfirmDialog
      title={`Disable “${business.name}”?`}
      confirmLabel="Disable business"
      onConfirm={onConfirm}
      onCancel={onCancel}
    >
      <p className="text">
        Every API request for this business will be refused with{' '}
        <strong>403 This business is disabled</strong>, and its queued calls wait. Nothing is
        deleted; you can enable it again at any time.
      </p>
    </ConfirmDialog>
  );
}
