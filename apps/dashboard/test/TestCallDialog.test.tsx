import type { Agent, Call, CallCreate } from '@iqra/sdk';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiProblem } from '../src/api/client';
import { TestCallDialog } from '../src/features/calls/TestCallDialog';

function agent(id: string, name: string, variables: string[]): Agent {
  return {
    id,
    name,
    language: 'en',
    voice: 'standard',
    greeting: variables.map((v) => `{{${v}}}`).join(' '),
    instructions: '',
    variables,
    metadata: {},
    createdAt: '2026-11-28T10:00:00.000Z',
    updatedAt: '2026-11-28T10:00:00.000Z',
  };
}

const REMINDERS = agent('agt_rem', 'Reminders', ['patient', 'time']);
const PLAIN = agent('agt_plain', 'Plain', []);

function setup() {
  const onCreate = vi.fn<(body: CallCreate, key: string) => Promise<Call>>(
    async () => ({}) as Call,
  );
  const onCancel = vi.fn();
  const user = userEvent.setup();
  const view = render(
    <TestCallDialog agents={[REMINDERS, PLAIN]} onCreate={onCreate} onCancel={onCancel} />,
  );
  return { onCreate, onCancel, user, view };
}

const number = () => screen.getByRole('textbox', { name: /Number/ });

describe('TestCallDialog', () => {
  it('offers the simulator numbers as presets that fill the number', async () => {
    const { user } = setup();
    expect(number()).toHaveValue('+15005550006');
    for (const [label, value] of [
      ['Busy', '+15005550001'],
      ['No answer', '+15005550002'],
      ['Fails', '+15005550003'],
      ['Answers', '+15005550006'],
    ]) {
      await user.click(screen.getByRole('radio', { name: new RegExp(`^${label}`) }));
      expect(number()).toHaveValue(value);
    }
  });

  it("asks for a value for each of the chosen agent's placeholders, and sends them", async () => {
    const { user, onCreate } = setup();
    expect(screen.getByRole('textbox', { name: /patient/ })).toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: /time/ })).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Call' }));
    expect(screen.getByText('Give every variable a value.')).toBeInTheDocument();
    expect(onCreate).not.toHaveBeenCalled();

    await user.type(screen.getByRole('textbox', { name: /patient/ }), 'Sam');
    await user.type(screen.getByRole('textbox', { name: /time/ }), '3 pm');
    await user.click(screen.getByRole('button', { name: 'Call' }));
    expect(onCreate).toHaveBeenCalledWith(
      { agentId: 'agt_rem', to: '+15005550006', variables: { patient: 'Sam', time: '3 pm' } },
      expect.any(String),
    );
  });

  it('asks for no variables for an agent without placeholders', async () => {
    const { user, onCreate } = setup();
    await user.selectOptions(screen.getByRole('combobox', { name: /Agent/ }), 'Plain');
    expect(screen.queryByRole('textbox', { name: /patient/ })).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Call' }));
    expect(onCreate).toHaveBeenCalledWith(
      { agentId: 'agt_plain', to: '+15005550006' },
      expect.any(String),
    );
  });

  it('refuses a number that is not E.164', async () => {
    const { user, onCreate } = setup();
    await user.selectOptions(screen.getByRole('combobox', { name: /Agent/ }), 'Plain');
    await user.clear(number());
    await user.type(number(), '555 1234');
    await user.click(screen.getByRole('button', { name: 'Call' }));
    expect(screen.getByText(/E\.164/)).toBeInTheDocument();
    expect(onCreate).not.toHaveBeenCalled();
  });

  it('sends one idempotency key per dialog: a retry after a failure reuses it', async () => {
    const { user, onCreate, view } = setup();
    await user.selectOptions(screen.getByRole('combobox', { name: /Agent/ }), 'Plain');
    onCreate.mockRejectedValueOnce(new ApiProblem(0, 'network_error', 'Cannot reach the server.'));
    await user.click(screen.getByRole('button', { name: 'Call' }));
    expect(await screen.findByText('Cannot reach the server.')).toBeInTheDocument();
    await user.click(screen.getByRole('radio', { name: /^Busy/ }));
    await user.click(screen.getByRole('button', { name: 'Call' }));
    expect(onCreate).toHaveBeenCalledTimes(2);
    const first = onCreate.mock.calls[0]?.[1];
    expect(first).toMatch(/^[0-9a-f-]{32,36}$/);
    expect(onCreate.mock.calls[1]?.[1]).toBe(first);

    // A new dialog is a new intent: a new key.
    view.unmount();
    const again = setup();
    await again.user.selectOptions(screen.getByRole('combobox', { name: /Agent/ }), 'Plain');
    await again.user.click(screen.getByRole('button', { name: 'Call' }));
    expect(again.onCreate.mock.calls[0]?.[1]).not.toBe(first);
  });
});
