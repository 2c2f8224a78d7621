import { type FormEvent, useId, useMemo, useRef, useState } from 'react';
import { ApiProblem, messageOf } from '../../api/client';
import type { Business, CreateApiKeyBody } from '../../api/types';
import type { LoadStatus } from '../../data/collection';
import { formatDate } from '../../lib/format';
import { Badge } from '../../ui/Badge';
import { Button } from '../../ui/Button';
import { Callout } from '../../ui/Callout';
import { Dialog } from '../../ui/Dialog';
import { Field, TextField } from '../../ui/Field';
import { Switch } from '../../ui/Switch';
import {
  dateInputValue,
  EXPIRY_OPTIONS,
  type ExpiryChoice,
  expiresAtOf,
  fieldOfServerError,
  initialKeyForm,
  type KeyForm,
  type KeyFormErrors,
  NAME_MAX,
  type ScopeChoice,
  toCreateBody,
  validateKeyForm,
} from './keyForm';

export interface CreateKeyDialogProps {
  businesses: Business[];
  businessesStatus: LoadStatus;
  currentBusinessId: string | null;
  /** Sends the request; rejects with an `ApiProblem` the dialog shows inline. */
  onCreate: (body: CreateApiKeyBody) => Promise<void>;
  /** Creates a business from inside the dialog, for an account that has none yet. */
  onCreateBusiness: (name: string) => Promise<Business>;
  onCancel: () => void;
  /** Injected by tests; the dialog computes expiry dates from it. */
  now?: () => Date;
}

type Patch = Partial<KeyForm> | ((current: KeyForm) => Partial<KeyForm>);

export const USER_MANAGEMENT_WARNING =
  'Lets the key manage your account: profile, billing, white-label settings and API keys, including creating new keys.';

export function CreateKeyDialog({
  businesses,
  businessesStatus,
  currentBusinessId,
  onCreate,
  onCreateBusiness,
  onCancel,
  now = () => new Date(),
}: CreateKeyDialogProps) {
  const [form, setForm] = useState<KeyForm>(() => initialKeyForm(currentBusinessId));
  const [submitted, setSubmitted] = useState(false);
  const [rejected, setRejected] = useState<KeyFormErrors>({});
  const [busy, setBusy] = useState(false);
  const nameRef = useRef<HTMLInputElement>(null);

  // After a first submit, errors follow the form as it is corrected; the server's until a change.
  const errors: KeyFormErrors = {
    ...rejected,
    ...(submitted ? validateKeyForm(form, now(), businesses.length) : {}),
  };

  function update(patch: Patch) {
    setForm((current) => ({
      ...current,
      ...(typeof patch === 'function' ? patch(current) : patch),
    }));
    setRejected({});
  }

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setSubmitted(true);
    const at = now();
    const found = validateKeyForm(form, at, businesses.length);
    if (Object.keys(found).length > 0) {
      if (found.name) nameRef.current?.focus();
      return;
    }
    setBusy(true);
    try {
      await onCreate(toCreateBody(form, at));
    } catch (error) {
      setBusy(false);
      setRejected(serverErrors(error));
    }
  }

  return (
    <Dialog
      title="Add API key"
      description="A key lets a script, backend or integration call the API on your behalf."
      onClose={onCancel}
      onSubmit={onSubmit}
      busy={busy}
      initialFocus={nameRef}
      size="lg"
      footer={
        <>
          <Button onClick={onCancel} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" loading={busy}>
            Create key
          </Button>
        </>
      }
    >
      {errors.form && (
        <Callout tone="danger" role="alert">
          {errors.form}
        </Callout>
      )}
      <TextField
        ref={nameRef}
        label="Name"
        value={form.name}
        onChange={(name) => update({ name })}
        error={errors.name}
        placeholder="Zapier Integration - Dental Clinic"
        hint="Name it after where it will live, so you can find it to revoke later."
        maxLength={NAME_MAX}
        autoComplete="off"
        required
      />
      <ScopeFieldset
        form={form}
        update={update}
        error={errors.businessIds}
        businesses={businesses}
        businessesStatus={businessesStatus}
        onCreateBusiness={onCreateBusiness}
      />
      <div className="stack-sm">
        <Switch
          checked={form.userManagement}
          onChange={(userManagement) => update({ userManagement })}
          label="User management"
          description={USER_MANAGEMENT_WARNING}
        />
        {form.userManagement && (
          <Callout tone="warning" role="status">
            This key will be able to create more keys. Give it only to a system you trust with your
            whole account.
          </Callout>
        )}
      </div>
      <ExpiryField form={form} update={update} error={errors.expiry} now={now} />
    </Dialog>
  );
}

function serverErrors(error: unknown): KeyFormErrors {
  if (!(error instanceof ApiProblem)) return { form: messageOf(error) };
  if (error.status !== 400 || error.errors.length === 0) return { form: messageOf(error) };
  const found: KeyFormErrors = {};
  const fields = error.fieldErrors();
  for (const item of error.errors) {
    const field = fieldOfServerError(item);
    const segment = item.path.split('/')[1] ?? '';
    found[field] ??= fields[segment] ?? item.message;
  }
  return found;
}

interface PartProps {
  form: KeyForm;
  update: (patch: Patch) => void;
  error: string | undefined;
}

function ScopeFieldset({
  form,
  update,
  error,
  businesses,
  businessesStatus,
  onCreateBusiness,
}: PartProps & {
  businesses: Business[];
  businessesStatus: LoadStatus;
  onCreateBusiness: (name: string) => Promise<Business>;
}) {
  const name = useId();
  const errorId = useId();
  const choices: { value: ScopeChoice; label: string; description: string }[] = [
    {
      value: 'restricted',
      label: 'Restricted',
      description: 'Only the businesses you choose below.',
    },
    {
      value: 'unrestricted',
      label: 'Unrestricted',
      description: 'All current and future businesses.',
    },
  ];

  function toggle(id: string, on: boolean) {
    update((current) => ({
      businessIds: on ? [...current.businessIds, id] : current.businessIds.filter((b) => b !== id),
    }));
  }

  return (
    <fieldset className="fieldset" aria-describedby={error ? errorId : undefined}>
      <legend className="field-label">Business scope</legend>
      <div className="choices">
        {choices.map((choice) => (
          <div
            key={choice.value}
            className={form.scope === choice.value ? 'choice choice-selected' : 'choice'}
          >
            <input
              type="radio"
              id={`${name}-${choice.value}`}
              name={name}
              value={choice.value}
              checked={form.scope === choice.value}
              onChange={() => update({ scope: choice.value })}
              aria-describedby={`${name}-${choice.value}-description`}
            />
            <div>
              <label className="choice-label" htmlFor={`${name}-${choice.value}`}>
                {choice.label}
              </label>
              {choice.value === 'restricted' && <Badge tone="success">Recommended</Badge>}
              <p id={`${name}-${choice.value}-description`} className="choice-description">
                {choice.description}
              </p>
            </div>
          </div>
        ))}
      </div>
      {form.scope === 'restricted' && (
        <BusinessPicker
          businesses={businesses}
          status={businessesStatus}
          selected={form.businessIds}
          onToggle={toggle}
          onCreateBusiness={async (businessName) => {
            const created = await onCreateBusiness(businessName);
            update((current) => ({ businessIds: [...current.businessIds, created.id] }));
          }}
          invalid={Boolean(error)}
        />
      )}
      {error && (
        <p id={errorId} className="field-error" role="alert">
          {error}
        </p>
      )}
    </fieldset>
  );
}

function BusinessPicker({
  businesses,
  status,
  selected,
  onToggle,
  onCreateBusiness,
  invalid,
}: {
  businesses: Business[];
  status: LoadStatus;
  selected: string[];
  onToggle: (id: string, on: boolean) => void;
  onCreateBusiness: (name: string) => Promise<void>;
  invalid: boolean;
}) {
  if (status === 'loading' || status === 'idle') {
    return (
      <div
        className="picker picker-loading skeleton"
        role="status"
        aria-label="Loading businesses"
      />
    );
  }
  if (status === 'error') {
    return (
      <Callout tone="danger">Your businesses did not load. Close this dialog and retry.</Callout>
    );
  }
  if (businesses.length === 0) return <FirstBusiness onCreate={onCreateBusiness} />;
  return (
    <fieldset className={invalid ? 'picker picker-invalid' : 'picker'}>
      <legend className="visually-hidden">Businesses this key can reach</legend>
      {businesses.map((business) => (
        <label key={business.id} className="picker-option">
          <input
            type="checkbox"
            checked={selected.includes(business.id)}
            onChange={(event) => onToggle(business.id, event.target.checked)}
          />
          <span className="picker-name">{business.name}</span>
          {business.disabled && <Badge>Disabled</Badge>}
        </label>
      ))}
    </fieldset>
  );
}

/** An account without businesses can make its first one here, then restrict the key to it. */
function FirstBusiness({ onCreate }: { onCreate: (name: string) => Promise<void> }) {
  const [name, setName] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  async function create() {
    if (name.trim() === '') {
      setError('Enter a name for the business.');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await onCreate(name.trim());
    } catch (failure) {
      setError(messageOf(failure));
      setBusy(false);
    }
  }

  return (
    <div className="first-business">
      <p className="first-business-text">
        You have no businesses yet. Create your first one and the key will be restricted to it — or
        choose <strong>Unrestricted</strong> if this key should reach every business you create
        later.
      </p>
      <Field label="New business name" error={error}>
        {(control) => (
          <div className="inline-form">
            <input
              className="input"
              value={name}
              placeholder="Dental Clinic"
              maxLength={100}
              onChange={(event) => setName(event.target.value)}
              onKeyDown={(event) => {
                if (event.key === 'Enter') {
                  event.preventDefault();
                  void create();
                }
              }}
              {...control}
            />
            <Button icon="plus" onClick={create} loading={busy}>
              Create business
            </Button>
          </div>
        )}
      </Field>
    </div>
  );
}

function ExpiryField({ form, update, error, now }: PartProps & { now: () => Date }) {
  const today = useMemo(() => dateInputValue(now()), [now]);
  const at = expiresAtOf(form, now());
  const summary =
    form.expiry === 'never'
      ? 'The key works until you revoke it.'
      : at
        ? `The key stops working on ${formatDate(at)}.`
        : 'Pick the last day the key works.';
  return (
    <Field label="Expiration" hint={error ? undefined : summary} error={error}>
      {(control) => (
        <div className="inline-form">
          <select
            className="input select"
            value={form.expiry}
            onChange={(event) => update({ expiry: event.target.value as ExpiryChoice })}
            {...control}
          >
            {EXPIRY_OPTIONS.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
          {form.expiry === 'date' && (
            <input
              type="date"
              className="input"
              aria-label="Expiration date"
              min={today}
              value={form.expiryDate}
              onChange={(event) => update({ expiryDate: event.target.value })}
              aria-invalid={error ? true : undefined}
            />
          )}
        </div>
      )}
    </Field>
  );
}
