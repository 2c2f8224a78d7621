import { type ReactNode, useRef } from 'react';
import { Button } from './Button';
import { Dialog } from './Dialog';
import { FormError } from './FormParts';
import { useSubmit } from './useSubmit';

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
  const { busy, errors, run } = useSubmit({ action: onConfirm, leavesOnSuccess: true });
  const cancelRef = useRef<HTMLButtonElement>(null);

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
          <Button variant="danger" onClick={() => run()} loading={busy}>
            {confirmLabel}
          </Button>
        </>
      }
    >
      {children}
      <FormError message={errors.form} />
    </Dialog>
  );
}
