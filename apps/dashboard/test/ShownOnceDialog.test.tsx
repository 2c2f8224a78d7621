import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ShownOnceDialog } from '../src/features/keys/ShownOnceDialog';

const KEY = 'iqra_sk_4f9QeLw1ZkP0x7sVbN2cT8yRu3mJh6Ad0Kx2aB';

function setup(writeText: (text: string) => Promise<void>) {
  const user = userEvent.setup();
  // After userEvent.setup, which installs its own clipboard stub.
  Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
  const onDone = vi.fn();
  render(<ShownOnceDialog secret={KEY} keyName="Zapier" onDone={onDone} />);
  return { user, onDone };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('shown-once key dialog', () => {
  it('shows the key read-only with the warning, and focuses Copy', () => {
    setup(async () => {});
    const field = screen.getByRole('textbox', { name: 'API key' });
    expect(field).toHaveValue(KEY);
    expect(field).toHaveAttribute('readonly');
    expect(screen.getByText('This key will not be shown again')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Copy' })).toHaveFocus();
  });

  it('copies with the Clipboard API and confirms visibly', async () => {
    const writeText = vi.fn(async () => {});
    const { user } = setup(writeText);
    await user.click(screen.getByRole('button', { name: 'Copy' }));
    expect(writeText).toHaveBeenCalledWith(KEY);
    expect(await screen.findByRole('button', { name: 'Copied' })).toBeInTheDocument();
    expect(screen.getByText('Copied to the clipboard.')).toBeInTheDocument();
  });

  it('says how to copy by hand when the browser refuses, with the key selected', async () => {
    const { user } = setup(async () => {
      throw new DOMException('denied', 'NotAllowedError');
    });
    await user.click(screen.getByRole('button', { name: 'Copy' }));
    expect(await screen.findByText(/did not allow copying/)).toBeInTheDocument();
    const field = screen.getByRole<HTMLInputElement>('textbox', { name: 'API key' });
    expect(field.selectionStart).toBe(0);
    expect(field.selectionEnd).toBe(KEY.length);
  });

  it('cannot be dismissed by Escape; only "I have copied it" closes it', async () => {
    const { user, onDone } = setup(async () => {});
    expect(screen.queryByRole('button', { name: 'Close' })).toBeNull();
    await user.keyboard('{Escape}');
    expect(onDone).not.toHaveBeenCalled();
    await user.click(screen.getByRole('button', { name: 'I have copied it' }));
    expect(onDone).toHaveBeenCalledTimes(1);
  });
});
