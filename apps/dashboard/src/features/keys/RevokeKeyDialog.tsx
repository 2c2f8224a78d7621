import { useRef, useState } from 'react';
import { messageOf } from '../../api/client';
import type { ApiKey } from '../../api/types';
import { keyHint } from '../../lib/format';
import { Button } from '../../ui/Button';
import { Callout } from '../../ui/Callout';
import { Dialog } from '../../ui/Dialog';

export function RevokeKeyDialog({
  apiKey,
  onRevoke,
  onCancel,
}: {
  apiKey: ApiKey;
  onRevoke: () => Promise<void>;
  onCancel: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);

  async function revoke() {
    setBusy(true);
    setError(null);
    try {
      await onRevoke();
    } catch (failure) {
      setBusy(false);
      setError(messageOf(failure));
    }
  }

  return (
    <Dialog
      title={`Revoke “${apiKey.name}”?`}
      role="alertdialog"
      size="sm"
      onClose={onCancel}
      busy={busy}
      initialFocus={cancelRef}
      footer={
        <>
          <Button ref={cancelRef} onClick={onCancel} disabled={busy}>
            Cancel
          </Button>
          <Button variant="danger" onClick={revoke} loading={busy}>
            Revoke key
          </Button>
        </>
      }
    >
      <p className="text">
        Every request that uses <code className="code">{keyHint(apiKey)}</code> will be refused with{' '}
        <strong>401 Invalid token</strong> from now on. This cannot be undone.
      </p>
      {error && (
        <Callout tone="danger" role="alert">
          {error}
        </Callout>
      )}
    </Dialog>
  );
}
