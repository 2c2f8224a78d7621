import { Button } from './Button';
import { Callout } from './Callout';

/** The form-level message of `useSubmit` (what belongs to no field), above the fields. */
export function FormError({ message }: { message: string | undefined }) {
  if (!message) return null;
  return (
    <Callout tone="danger" role="alert">
      {message}
    </Callout>
  );
}

/** A form dialog's footer: Cancel, and the submit button that shows the request running. */
export function DialogFormActions({
  busy,
  submitLabel,
  onCancel,
}: {
  busy: boolean;
  submitLabel: string;
  onCancel: () => void;
}) {
  return (
    <>
      <Button onClick={onCancel} disabled={busy}>
        Cancel
      </Button>
      <Button type="submit" variant="primary" loading={busy}>
        {submitLabel}
      </Button>
    </>
  );
}
