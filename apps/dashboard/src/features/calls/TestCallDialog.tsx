import type { Agent, Call, CallCreate } from '@iqra/sdk';
import { useMemo, useRef, useState } from 'react';
import { Dialog } from '../../ui/Dialog';
import { Field, TextField } from '../../ui/Field';
import { DialogFormActions, FormError } from '../../ui/FormParts';
import { useSubmit } from '../../ui/useSubmit';
import { E164, newIdempotencyKey, PRESETS } from './testCall';

type TestCallField = 'agentId' | 'to' | 'variables';

/**
 * Places a call with one agent: a number (the simulator's presets a click away) and a value for
 * each of the agent's `{{variables}}`. One Idempotency-Key per dialog, so a retry never dials twice.
 */
export function TestCallDialog({
  agents,
  initialAgentId,
  onCreate,
  onCancel,
}: {
  agents: Agent[];
  initialAgentId?: string;
  onCreate: (body: CallCreate, idempotencyKey: string) => Promise<Call>;
  onCancel: () => void;
}) {
  const [idempotencyKey] = useState(newIdempotencyKey);
  const [agentId, setAgentId] = useState(initialAgentId ?? agents[0]?.id ?? '');
  const [to, setTo] = useState<string>(PRESETS[0].number);
  const [values, setValues] = useState<Record<string, string>>({});
  const agentRef = useRef<HTMLSelectElement>(null);
  const agent = agents.find((a) => a.id === agentId);
  const variables = useMemo(() => agent?.variables ?? [], [agent]);

  const submit = useSubmit<TestCallField>({
    fields: ['agentId', 'to', 'variables'],
    validate: () => {
      const errors: Partial<Record<TestCallField, string>> = {};
      if (!agent) errors.agentId = 'Choose the agent that speaks.';
      if (!E164.test(to.trim())) errors.to = 'Write the number in E.164 form: +15005550006.';
      if (variables.some((name) => !values[name]?.trim())) {
        errors.variables = 'Give every variable a value.';
      }
      return errors;
    },
    action: async () => {
      const filled = Object.fromEntries(
        variables.map((name) => [name, values[name]?.trim() ?? '']),
      );
      await onCreate(
        { agentId, to: to.trim(), ...(variables.length ? { variables: filled } : {}) },
        idempotencyKey,
      );
    },
    leavesOnSuccess: true,
  });

  return (
    <Dialog
      title="Test call"
      description="Place a real call with an agent. The simulator’s numbers each end a known way."
      onClose={onCancel}
      onSubmit={submit.onSubmit}
      busy={submit.busy}
      initialFocus={agentRef}
      footer={<DialogFormActions busy={submit.busy} submitLabel="Call" onCancel={onCancel} />}
    >
      <FormError message={submit.errors.form} />
      <Field label="Agent" error={submit.errors.agentId} required>
        {(control) => (
          <select
            ref={agentRef}
            className="input select"
            value={agentId}
            onChange={(event) => {
              setAgentId(event.target.value);
              submit.clear(['agentId', 'variables']);
            }}
            {...control}
          >
            {agents.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <TextField
        label="Number"
        {...submit.bind('to', to, setTo)}
        inputMode="tel"
        autoComplete="off"
        required
      />
      <fieldset className="presets">
        <legend className="field-label">Simulator numbers</legend>
        {PRESETS.map((preset) => (
          <label key={preset.number} className="preset">
            <input
              type="radio"
              name="preset"
              value={preset.number}
              checked={to === preset.number}
              onChange={() => {
                setTo(preset.number);
                submit.clear(['to']);
              }}
            />
            <span>{preset.label}</span>
            <span className="muted mono">{preset.number}</span>
          </label>
        ))}
      </fieldset>
      {variables.length > 0 && (
        <fieldset className="fieldset">
          <legend>Variables</legend>
          {submit.errors.variables && (
            <p className="field-error" role="alert">
              {submit.errors.variables}
            </p>
          )}
          {variables.map((name) => (
            <TextField
              key={name}
              label={name}
              value={values[name] ?? ''}
              onChange={(value) => {
                setValues((v) => ({ ...v, [name]: value }));
                submit.clear(['variables']);
              }}
              autoComplete="off"
              required
            />
          ))}
        </fieldset>
      )}
      <p className="field-hint">
        Idempotency-Key <code className="code">{idempotencyKey}</code>: sending again from this
        dialog returns the same call.
      </p>
    </Dialog>
  );
}
