import type { Business } from '@iqra/sdk';
import { useId, useState } from 'react';
import type { LoadStatus } from '../../state/collection';
import { Badge } from '../../ui/Badge';
import { Button } from '../../ui/Button';
import { Callout } from '../../ui/Callout';
import { Field } from '../../ui/Field';
import { useSubmit } from '../../ui/useSubmit';
import type { KeyFormPartProps, ScopeChoice } from './keyForm';

/** Unrestricted or Restricted, and for Restricted the businesses (at least one). */
export function ScopeFieldset({
  form,
  update,
  error,
  businesses,
  businessesStatus,
  onCreateBusiness,
}: KeyFormPartProps & {
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
  const { busy, errors, run } = useSubmit<'name'>({
    validate: () => ({
      name: name.trim() === '' ? 'Enter a name for the business.' : undefined,
    }),
    action: () => onCreate(name.trim()),
    leavesOnSuccess: true,
  });

  return (
    <div className="first-business">
      <p className="first-business-text">
        You have no businesses yet. Create your first one and the key will be restricted to it — or
        choose <strong>Unrestricted</strong> if this key should reach every business you create
        later.
      </p>
      <Field label="New business name" error={errors.name ?? errors.form}>
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
                  void run();
                }
              }}
              {...control}
            />
            <Button icon="plus" onClick={() => run()} loading={busy}>
              Create business
            </Button>
          </div>
        )}
      </Field>
    </div>
  );
}
