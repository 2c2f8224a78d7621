import { useEffect, useRef, useState } from 'react';
import { Button } from '../../ui/Button';
import { Callout } from '../../ui/Callout';
import { Dialog } from '../../ui/Dialog';
import { Field } from '../../ui/Field';

type CopyState = 'idle' | 'copied' | 'failed';

/**
 * Shows a new key's secret, once. It cannot be dismissed by Escape or a stray click: only
 * "I have copied it" closes it, and the parent then drops the secret from its state.
 */
export function ShownOnceDialog({
  secret,
  keyName,
  onDone,
  title = 'Save your API key',
  secretLabel = 'API key',
  noun = 'key',
  warning = 'Iqra keeps only a fingerprint of it. If you lose it, revoke it and create a new one.',
}: {
  secret: string;
  keyName: string;
  onDone: () => void;
  /** The same pattern serves other secrets shown once (a webhook's signing secret). */
  title?: string;
  secretLabel?: string;
  /** How the text names the secret: "key", "secret". */
  noun?: string;
  warning?: string;
}) {
  const [copy, setCopy] = useState<CopyState>('idle');
  const inputRef = useRef<HTMLInputElement>(null);
  const copyRef = useRef<HTMLButtonElement>(null);
  const resetTimer = useRef<number | undefined>(undefined);

  useEffect(() => () => window.clearTimeout(resetTimer.current), []);

  async function onCopy() {
    window.clearTimeout(resetTimer.current);
    try {
      await navigator.clipboard.writeText(secret);
      setCopy('copied');
      resetTimer.current = window.setTimeout(() => setCopy('idle'), 4000);
    } catch {
      setCopy('failed');
      inputRef.current?.select();
    }
  }

  return (
    <Dialog
      title={title}
      description={`“${keyName}” is ready. Copy the ${noun} now and store it somewhere safe.`}
      onClose={onDone}
      dismissible={false}
      initialFocus={copyRef}
      role="alertdialog"
      size="lg"
      footer={
        <Button variant="primary" onClick={onDone}>
          I have copied it
        </Button>
      }
    >
      <Callout tone="warning" title={`This ${noun} will not be shown again`}>
        {warning}
      </Callout>
      <Field label={secretLabel}>
        {(control) => (
          <div className="secret">
            <input
              ref={inputRef}
              className="input input-mono"
              readOnly
              value={secret}
              spellCheck={false}
              autoComplete="off"
              onFocus={(event) => event.currentTarget.select()}
              {...control}
            />
            <Button
              ref={copyRef}
              variant={copy === 'copied' ? 'secondary' : 'primary'}
              icon={copy === 'copied' ? 'check' : 'copy'}
              onClick={onCopy}
              className="secret-copy"
            >
              {copy === 'copied' ? 'Copied' : 'Copy'}
            </Button>
          </div>
        )}
      </Field>
      <p className="copy-status" role="status" aria-live="polite">
        {copy === 'copied'
          ? 'Copied to the clipboard.'
          : copy === 'failed'
            ? `The browser did not allow copying. The ${noun} is selected: press Ctrl+C (⌘C on a Mac).`
            : ''}
      </p>
    </Dialog>
  );
}
