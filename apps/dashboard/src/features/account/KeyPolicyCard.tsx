import { useEffect, useState } from 'react';
import { api } from '../../api/endpoints';
import { Button } from '../../ui/Button';
import { TextField } from '../../ui/Field';
import { FormError } from '../../ui/FormParts';
import { useSubmit } from '../../ui/useSubmit';

/** The account's key policy: the longest a new key may live (PUT needs a session; this is one). */
export function KeyPolicyCard() {
  const [days, setDays] = useState('');
  const [saved, setSaved] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    api.keyPolicy().then(
      (policy) => {
        if (!live) return;
        const value = policy.maxLifetimeDays === null ? '' : String(policy.maxLifetimeDays);
        setDays(value);
        setSaved(value);
      },
      () => live && setSaved(''),
    );
    return () => {
      live = false;
    };
  }, []);

  const { busy, errors, onSubmit } = useSubmit<'days'>({
    validate: () => {
      const text = days.trim();
      if (text === '') return {};
      const n = Number(text);
      return Number.isInteger(n) && n >= 1 && n <= 3650
        ? {}
        : { days: 'Enter a whole number of days from 1 to 3650, or leave it empty.' };
    },
    action: async () => {
      const text = days.trim();
      const policy = await api.saveKeyPolicy({
        maxLifetimeDays: text === '' ? null : Number(text),
      });
      const value = policy.maxLifetimeDays === null ? '' : String(policy.maxLifetimeDays);
      setDays(value);
      setSaved(value);
      return policy;
    },
    success: () => 'Key policy saved. It applies to keys created from now on.',
  });

  return (
    <section className="card" aria-labelledby="key-policy-title">
      <div className="card-header">
        <h2 id="key-policy-title" className="card-title">
          API key policy
        </h2>
        <p className="card-description">
          New keys without an expiry get this lifetime; a later expiry is refused.
        </p>
      </div>
      <form className="card-body stack" noValidate onSubmit={onSubmit}>
        <FormError message={errors.form} />
        <TextField
          label="Maximum key lifetime (days)"
          value={days}
          onChange={setDays}
          error={errors.days}
          hint="Empty: keys may live until revoked."
          inputMode="numeric"
        />
        <div className="form-actions">
          <Button type="submit" variant="primary" loading={busy} disabled={saved === days.trim()}>
            Save policy
          </Button>
        </div>
      </form>
    </section>
  );
}
