import type { Agent, AgentCreate } from '@iqra/sdk';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiProblem } from '../src/api/client';
import { AgentDialog } from '../src/features/agents/AgentDialog';

const AGENT: Agent = {
  id: 'agt_1',
  name: 'Front desk',
  language: 'en',
  voice: 'standard',
  greeting: 'Hello {{patient}}, about {{time}}.',
  instructions: 'Be brief.',
  variables: ['patient', 'time'],
  metadata: {},
  createdAt: '2026-11-28T10:00:00.000Z',
  updatedAt: '2026-11-28T10:00:00.000Z',
};

function setup(agent: Agent | null = null) {
  const onSave = vi.fn<(body: Partial<AgentCreate>) => Promise<void>>(async () => {});
  const onCancel = vi.fn();
  const user = userEvent.setup();
  render(<AgentDialog agent={agent} defaultLanguage="de" onSave={onSave} onCancel={onCancel} />);
  return { onSave, onCancel, user };
}

function greeting() {
  return screen.getByRole('textbox', { name: /Greeting/ });
}

function chips() {
  const list = screen.queryByRole('list', { name: 'Variables in the greeting' });
  return list
    ? within(list)
        .getAllByRole('listitem')
        .map((li) => li.textContent)
    : [];
}

describe('AgentDialog', () => {
  it('shows each {{variable}} of the greeting as a chip, once, in order of first use', () => {
    setup();
    expect(chips()).toEqual([]);
    fireEvent.change(greeting(), {
      target: { value: 'Hi {{ patient }}, your {{time}} slot. Bye {{patient}}.' },
    });
    expect(chips()).toEqual(['{{patient}}', '{{time}}']);
  });

  it('previews the greeting with sample values, live as the samples change', async () => {
    const { user } = setup();
    fireEvent.change(greeting(), { target: { value: 'Hello {{patient}}, see you at {{time}}.' } });
    const preview = screen.getByTestId('greeting-preview');
    expect(preview).toHaveTextContent('Hello Patient, see you at Time.');
    const sample = screen.getByRole('textbox', { name: 'Sample value for patient' });
    await user.clear(sample);
    await user.type(sample, 'Sam');
    expect(preview).toHaveTextContent('Hello Sam, see you at Time.');
  });

  it('keeps a variable unfilled in the preview while its sample is empty', async () => {
    const { user } = setup();
    fireEvent.change(greeting(), { target: { value: 'Hello {{patient}}.' } });
    await user.clear(screen.getByRole('textbox', { name: 'Sample value for patient' }));
    expect(screen.getByTestId('greeting-preview')).toHaveTextContent('Hello .');
  });

  it('creates with the business language by default and every field trimmed', async () => {
    const { user, onSave } = setup();
    await user.type(screen.getByRole('textbox', { name: /Name/ }), '  Reminders ');
    fireEvent.change(greeting(), { target: { value: 'Hello {{patient}}' } });
    await user.click(screen.getByRole('button', { name: 'Create agent' }));
    expect(onSave).toHaveBeenCalledWith({
      name: 'Reminders',
      greeting: 'Hello {{patient}}',
      instructions: '',
      language: 'de',
      voice: 'standard',
    });
  });

  it('asks for a name and a greeting before sending anything', async () => {
    const { user, onSave } = setup();
    await user.click(screen.getByRole('button', { name: 'Create agent' }));
    expect(screen.getByText('Give the agent a name.')).toBeInTheDocument();
    expect(screen.getByText('Write what the agent says first.')).toBeInTheDocument();
    expect(onSave).not.toHaveBeenCalled();
  });

  it('sends only the changed fields when editing, with the saved variables as chips', async () => {
    const { user, onSave } = setup(AGENT);
    expect(chips()).toEqual(['{{patient}}', '{{time}}']);
    fireEvent.change(greeting(), { target: { value: 'Hi {{patient}}.' } });
    expect(chips()).toEqual(['{{patient}}']);
    await user.click(screen.getByRole('button', { name: 'Save agent' }));
    expect(onSave).toHaveBeenCalledWith({ greeting: 'Hi {{patient}}.' });
  });

  it("puts the server's 400 on the field it names", async () => {
    const { user, onSave } = setup(AGENT);
    onSave.mockRejectedValueOnce(
      new ApiProblem(400, 'validation_failed', 'Invalid body.', [
        { path: '/greeting', message: 'has a malformed variable near "{{ x y }}"' },
      ]),
    );
    fireEvent.change(greeting(), { target: { value: 'Hi {{ x y }}' } });
    await user.click(screen.getByRole('button', { name: 'Save agent' }));
    expect(await screen.findByText(/has a malformed variable/i)).toBeInTheDocument();
    expect(greeting()).toHaveAttribute('aria-invalid', 'true');
  });

  it('edits metadata as key/value rows: sent when changed, refused when a key repeats', async () => {
    const { onSave, user } = setup({ ...AGENT, metadata: { team: 'front-desk' } });
    expect(screen.getByRole('textbox', { name: 'Metadata key 1' })).toHaveValue('team');
    await user.click(screen.getByRole('button', { name: 'Add metadata' }));
    await user.type(screen.getByRole('textbox', { name: 'Metadata key 2' }), 'team');
    await user.click(screen.getByRole('button', { name: 'Save agent' }));
    expect(await screen.findByText('The metadata key "team" appears twice.')).toBeInTheDocument();
    expect(onSave).not.toHaveBeenCalled();
    const key2 = screen.getByRole('textbox', { name: 'Metadata key 2' });
    await user.clear(key2);
    await user.type(key2, 'crm');
    await user.type(screen.getByRole('textbox', { name: 'Metadata value 2' }), 'A-17');
    await user.click(screen.getByRole('button', { name: 'Remove metadata team' }));
    await user.click(screen.getByRole('button', { name: 'Save agent' }));
    await waitFor(() => expect(onSave).toHaveBeenCalledWith({ metadata: { crm: 'A-17' } }));
  });
});
