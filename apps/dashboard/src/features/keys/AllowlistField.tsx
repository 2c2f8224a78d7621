import { Field } from '../../ui/Field';
import { ALLOWLIST_MAX, allowlistError, parseAllowlist } from './access';

/** The IP allowlist box, checked as it is typed. Empty: any address. */
export function AllowlistField({
  value,
  onChange,
  serverError,
}: {
  value: string;
  onChange: (text: string) => void;
  serverError?: string | undefined;
}) {
  const error = allowlistError(value) ?? serverError;
  const count = parseAllowlist(value).length;
  return (
    <Field
      label="IP allowlist (optional)"
      hint={
        error
          ? undefined
          : count === 0
            ? 'Empty: the key works from any address.'
            : `${count} of at most ${ALLOWLIST_MAX} entries. Requests from elsewhere get 403.`
      }
      error={error}
    >
      {(control) => (
        <textarea
          className="input textarea"
          rows={3}
          spellCheck={false}
          placeholder={'203.0.113.0/24\n2001:db8::/32'}
          value={value}
          onChange={(event) => onChange(event.target.value)}
          {...control}
        />
      )}
    </Field>
  );
}
