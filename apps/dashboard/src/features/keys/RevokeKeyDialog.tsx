import type { ApiKey } from '@iqra/sdk';
import { useState } from 'react';
import { keyHint } from '../../lib/format';
import { ConfirmDialog } from '../../ui/ConfirmDialog';

/**
 * Revoke, and when the key made other keys (minted with it, or rolled from it) offer to revoke
 * those too (checked): the page then sends `?cascade=true`.
 */
export function RevokeKeyDialog({
  apiKey,
  descendants = [],
  onRevoke,
  onCancel,
}: {
  apiKey: ApiKey;
  /** The active keys a cascade would revoke. */
  descendants?: ApiKey[];
  onRevoke: (cascade: boolean) => Promise<void>;
  onCancel: () => void;
}) {
  const [cascade, setCascade] = useState(true);
  return (
    <ConfirmDialog
      title={`Revoke “${apiKey.name}”?`}
      confirmLabel={
        descendants.length > 0 && cascade ? `Revoke ${descendants.length + 1} keys` : 'Revoke key'
      }
      onConfirm={() => onRevoke(descendants.length > 0 && cascade)}
      onCancel={onCancel}
    >
      <p className="text">
        Every request that uses <code className="code">{keyHint(apiKey)}</code> will be refused with{' '}
        <strong>401 Invalid token</strong> from now on. This cannot be undone.
      </p>
      {descendants.length > 0 && (
        <div className="stack-sm">
          <label className="checkbox">
            <input
              type="checkbox"
              checked={cascade}
              onChange={(event) => setCascade(event.target.checked)}
            />
            Also revoke these keys it created
          </label>
          <ul className="key-list">
            {descendants.map((key) => (
              <li key={key.id}>
                {key.name} <code className="code">{keyHint(key)}</code>
              </li>
            ))}
          </ul>
        </div>
      )}
    </ConfirmDialog>
  );
}
