import { useEffect, useRef, useState } from 'react';
import { Button, type ButtonProps } from './Button';

/** Copies a text; says "Copied" for a moment, or that the browser refused. */
export function CopyButton({
  text,
  label = 'Copy',
  ...rest
}: { text: () => string; label?: string } & Omit<ButtonProps, 'onClick' | 'children'>) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => () => window.clearTimeout(timer.current), []);

  async function copy() {
    window.clearTimeout(timer.current);
    try {
      await navigator.clipboard.writeText(text());
      setState('copied');
    } catch {
      setState('failed');
    }
    timer.current = window.setTimeout(() => setState('idle'), 3000);
  }

  return (
    <Button icon={state === 'copied' ? 'check' : 'copy'} onClick={copy} {...rest}>
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : label}
    </Button>
  );
}
