import { useMemo } from 'react';
import { formatDate } from '../../lib/format';
import { Field } from '../../ui/Field';
import {
  dateInputValue,
  EXPIRY_OPTIONS,
  type ExpiryChoice,
  expiresAtOf,
  type KeyFormPartProps,
} from './keyForm';

/** Never, 30/60/90 days, or a date; says when the key will stop working. */
export function ExpiryField({
  form,
  update,
  error,
  now,
  maxDays = null,
}: KeyFormPartProps & { now: () => Date; maxDays?: number | null }) {
  const today = useMemo(() => dateInputValue(now()), [now]);
  const at = expiresAtOf(form, now());
  const summary =
    form.expiry === 'never'
      ? maxDays !== null
        ? `Your account's key policy: the key stops working after ${maxDays} days.`
        : 'The key works until you revoke it.'
      : at
        ? `The key stops working on ${formatDate(at)}.`
        : 'Pick the last day the key works.';
  return (
    <Field label="Expiration" hint={error ? undefined : summary} error={error}>
      {(control) => (
        <div className="inline-form">
          <select
            className="input select"
            value={form.expiry}
            onChange={(event) => update({ expiry: event.target.value as ExpiryChoice })}
            {...control}
          >
            {EXPIRY_OPTIONS.map((option) => (
              <option
                key={option.value}
                value={option.value}
                disabled={maxDays !== null && Number(option.value) > maxDays}
              >
                {option.value === 'never' && maxDays !== null
                  ? `Policy maximum (${maxDays} days)`
                  : option.label}
              </option>
            ))}
          </select>
          {form.expiry === 'date' && (
            <input
              type="date"
              className="input"
              aria-label="Expiration date"
              min={today}
              value={form.expiryDate}
              onChange={(event) => update({ expiryDate: event.target.value })}
              aria-invalid={error ? true : undefined}
            />
          )}
        </div>
      )}
    </Field>
  );
}
