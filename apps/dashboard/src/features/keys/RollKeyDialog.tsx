import type { ApiKey } from '@iqra/sdk';
import { useId, useRef, useState } from 'react';
import { keyHint } from '../../lib/format';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { FormError } from '../../ui/FormParts';
import { useSubmit } from '../../ui/useSubmit';

export const OVERLAPS: { seconds: number; label: string }[] = [
  { seconds: 0, label: 'Now' },
  { seconds: 3600, label: '1 hour' },
  { seconds: 86_400, label: '24 hours' },
  { seconds: 259_200, label: '3 days' },
  { seconds: 604_800, label: '7 days' },
];

/** Roll: a new key with the same access; the old one keeps working for the chosen overlap. */
export function RollKeyDialog({
  apiKey,
  onRoll,
  onCancel,
}: {
  apiKey: ApiKey;
  /** Sends the roll; the page then shows the new key once. */
  onRoll: (overlapSeconds: number) => Promise<void>;
  onCancel: () => void;
}) {
  const [overlap, setOverlap] = useState(86_400);
  const { busy, errors, run } = useSubmit({
    action: () => onRoll(overlap),
    leavesOnSuccess: true,
  });
  const cancelRef = useRef<HTMLButtonElement>(null);
  const name = useId();
  return (
    <Dialog
      title={`Roll “${apiKey.name}”?`}
      description="Makes a new key with the same businesses, permissions, allowlist and expiry."
      onClose={onCancel}
      busy={busy}
      initialFocus={cancelRef}
      footer={
        <>
          <Button ref={cancelRef} onClick={onCancel} disabled={busy}>
            Cancel
          </Button>
          <Button variant="primary" onClick={() => run()} loading={busy}>
            Roll key
          </Button>
        </>
      }
    >
      <fieldset className="fieldset">
        <legend className="field-label">
          The old key <code className="code">{keyHint(apiKey)}</code> stops working
        </legend>
        <div className="radio-row">
          {OVERLAPS.map((option) => (
            <label key={option.seconds} className="radio">
              <input
                type="radio"
                name={name}
                checked={overlap === option.seconds}
                onChange={() => setOverlap(option.seconds)}
              />
              {option.seconds === 0 ? 'Now' : `In ${option.label}`}
            </label>
          ))}
        </div>
        <p className="field-hint">
          Deploy the new key within the overlap; requests with the old one then get 401.
        </p>
      </fieldset>
      <FormError message={errors.form} />
    </Dialog>
  );
}
