import type { Agent, AgentCreate } from '@iqra/sdk';
import { useId, useMemo, useRef, useState } from 'react';
import { variablesIn } from '../../lib/template';
import { Dialog } from '../../ui/Dialog';
import { Field, TextField } from '../../ui/Field';
import { DialogFormActions, FormError } from '../../ui/FormParts';
import { useSubmit } from '../../ui/useSubmit';
import {
  AGENT_FIELDS,
  type AgentField,
  type AgentForm,
  initialAgentForm,
  toAgentBody,
  VOICES,
  validateAgentForm,
} from './agentForm';
import { GreetingPreview } from './GreetingPreview';
import {
  MetadataEditor,
  type MetadataRows,
  metadataOf,
  metadataRows,
  sameMetadata,
} from './MetadataEditor';

/**
 * Creates an agent, or edits one (`agent` given; only changed fields are sent). The greeting's
 * `{{variables}}` show as chips with sample values and a live preview.
 */
export function AgentDialog({
  agent,
  defaultLanguage,
  onSave,
  onCancel,
}: {
  agent: Agent | null;
  defaultLanguage: string;
  /** Rejects with an `ApiProblem` the dialog shows on its fields. */
  onSave: (body: Partial<AgentCreate>) => Promise<void>;
  onCancel: () => void;
}) {
  const [form, setForm] = useState<AgentForm>(() => initialAgentForm(agent, defaultLanguage));
  const [samples, setSamples] = useState<Record<string, string>>({});
  const [metadata, setMetadata] = useState<MetadataRows>(() => metadataRows(agent?.metadata));
  const [metadataError, setMetadataError] = useState<string | undefined>();
  const nameRef = useRef<HTMLInputElement>(null);
  const voicesId = useId();
  const variables = useMemo(() => variablesIn(form.greeting), [form.greeting]);

  const submit = useSubmit<AgentField>({
    fields: AGENT_FIELDS,
    validate: () => {
      const errors = validateAgentForm(form);
      const checked = metadataOf(metadata);
      setMetadataError(typeof checked === 'string' ? checked : undefined);
      if (typeof checked === 'string') errors.form = 'Fix the metadata below.';
      return errors;
    },
    action: async () => {
      const body = toAgentBody(form, agent);
      const object = metadataOf(metadata);
      // A new agent sends metadata only when given; an edit only when it changed.
      if (typeof object !== 'string' && !sameMetadata(object, agent?.metadata ?? {})) {
        body.metadata = object;
      }
      if (agent && Object.keys(body).length === 0) return onCancel();
      await onSave(body);
    },
    leavesOnSuccess: true,
  });
  const bind = (field: AgentField) =>
    submit.bind(field, form[field], (value) => setForm((f) => ({ ...f, [field]: value })));

  return (
    <Dialog
      title={agent ? `Edit ${agent.name}` : 'New agent'}
      description="The voice that speaks on your calls: what it says first, and how it behaves."
      onClose={onCancel}
      onSubmit={submit.onSubmit}
      busy={submit.busy}
      initialFocus={nameRef}
      size="lg"
      footer={
        <DialogFormActions
          busy={submit.busy}
          submitLabel={agent ? 'Save agent' : 'Create agent'}
          onCancel={onCancel}
        />
      }
    >
      <FormError message={submit.errors.form} />
      <TextField
        ref={nameRef}
        label="Name"
        {...bind('name')}
        placeholder="Front desk"
        maxLength={100}
        autoComplete="off"
        required
      />
      <div className="grid-2">
        <TextField
          label="Language"
          {...bind('language')}
          hint="A BCP 47 tag: en, de, pt-BR."
          maxLength={35}
          autoComplete="off"
          required
        />
        <TextField
          label="Voice"
          {...bind('voice')}
          list={voicesId}
          hint="The provider's voice name."
          maxLength={64}
          autoComplete="off"
          required
        />
        <datalist id={voicesId}>
          {VOICES.map((voice) => (
            <option key={voice} value={voice} />
          ))}
        </datalist>
      </div>
      <TextAreaField
        label="Greeting"
        {...bind('greeting')}
        hint="The first words of every call. Use {{name}} for what changes per call."
        placeholder="Hello {{patient}}, this is the clinic calling about your appointment."
        rows={3}
        maxLength={2000}
        required
      />
      <GreetingPreview
        greeting={form.greeting}
        variables={variables}
        samples={samples}
        onSample={(name, value) => setSamples((s) => ({ ...s, [name]: value }))}
      />
      <TextAreaField
        label="Instructions"
        {...bind('instructions')}
        hint="How the agent behaves; may use {{variables}} too."
        placeholder="Confirm the appointment time. Be brief and friendly."
        rows={5}
        maxLength={20_000}
      />
      <MetadataEditor
        rows={metadata}
        onChange={(rows) => {
          setMetadata(rows);
          setMetadataError(undefined);
        }}
        error={metadataError}
      />
    </Dialog>
  );
}

function TextAreaField({
  label,
  value,
  onChange,
  error,
  hint,
  required,
  ...rest
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  error: string | undefined;
  hint?: string;
  required?: boolean;
  rows: number;
  maxLength: number;
  placeholder?: string;
}) {
  return (
    <Field label={label} hint={hint} error={error} required={required}>
      {(control) => (
        <textarea
          className="input textarea"
          value={value}
          onChange={(event) => onChange(event.target.value)}
          {...control}
          {...rest}
        />
      )}
    </Field>
  );
}
