import type { ApiKey } from '@iqra/sdk';
import { keyHint } from '../../lib/format';
import { ConfirmDialog } from '../../ui/ConfirmDialog';

export function RevokeKeyDialog({
  apiKey,
  onRevoke,
  onCancel,
}: {
  apiKey: ApiKey;
  onRevoke: () => Promise<void>;
  onCancel: () => void;
}) {
  return (
    <ConfirmDialog
      title={`Revoke “${apiKey.name}”?`}
      confirmLabel="Revoke key"
      onConfirm={onRevoke}
      onCancel={onCancel}
    >
      <p className="text">
        Every request that uses <code className="code">{keyHint(apiKey)}</code> will be refused with{' '}
        <strong>401 Invalid token</strong> from now on. This cannot be undone.
      </p>
    </ConfirmDialog>
  );
}
