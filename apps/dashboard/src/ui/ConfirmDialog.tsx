import { type ReactNode, useRef, useState } from 'react';
import { messageOf } from '../api/client';
import { Button } from './Button';
import { Callout } from './Callout';
import { Dialog } from './Dialog';

/**
 * A destructive action that asks first: Cancel has the focus, the danger button shows progress,
 * and a failure stays in the dialog so the person can retry or cancel.
 */
export function ConfirmDialog({
  title,
  confirmLabel,
  onConfirm,
  onCancel,
  children,
}: {
  title: string;
  confirmLabel: string;
  onConfirm: () => Promise<void>;
  onCancel: () => void;
  children: ReactNode;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);

  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
    } catch (failure) {
      setBusy(false);
      setError(messageOf(failure));
    }
  }

  return (
    <Dialog
      title={title}
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
          <Button variant="danger" onClick={confirm} loading={busy}>
            {confirmLabel}
          </Button>
        </>
      }
    >
      {children}
      {error && (
        <Callout tone="danger" role="alert">
          {error}
        </Callout>
      )}
    </Dialog>
  );
}
