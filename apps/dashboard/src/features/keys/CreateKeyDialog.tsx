import type { ApiKeyCreate, Business } from '@iqra/sdk';
import { useRef, useState } from 'react';
import type { LoadStatus } from '../../state/collection';
import { Callout } from '../../ui/Callout';
import { Dialog } from '../../ui/Dialog';
import { TextField } from '../../ui/Field';
import { DialogFormActions, FormError } from '../../ui/FormParts';
import { Switch } from '../../ui/Switch';
import { useSubmit } from '../../ui/useSubmit';
import { AllowlistField } from './AllowlistField';
import { ExpiryField } from './ExpiryField';
import {
  fieldOfServerError,
  initialKeyForm,
  type KeyForm,
  type KeyFormErrors,
  type KeyFormField,
  type KeyFormPatch,
  NAME_MAX,
  toCreateBody,
  validateKeyForm,
} from './keyForm';
import { PermissionsGrid } from './PermissionsGrid';
import { ScopeFieldset } from './ScopeFieldset';

export interface CreateKeyDialogProps {
  businesses: Business[];
  businessesStatus: LoadStatus;
  currentBusinessId: string | null;
  /** Sends the request; rejects with an `ApiProblem` the dialog shows inline. */
  onCreate: (body: ApiKeyCreate) => Promise<void>;
  /** Creates a business from inside the dialog, for an account that has none yet. */
  onCreateBusiness: (name: string) => Promise<Business>;
  onCancel: () => void;
  /** Injected by tests; the dialog computes expiry dates from it. */
  now?: () => Date;
  /** The account's key policy: the longest a key may live, in days (null: no maximum). */
  maxLifetimeDays?: number | null;
}

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
  maxLifetimeDays = null,
}: CreateKeyDialogProps) {
  const [form, setForm] = useState<KeyForm>(() => initialKeyForm(currentBusinessId));
  const [submitted, setSubmitted] = useState(false);
  const nameRef = useRef<HTMLInputElement>(null);

  const {
    busy,
    errors: rejected,
    onSubmit,
    clear,
  } = useSubmit<KeyFormField>({
    validate: () => {
      setSubmitted(true);
      const found = validateKeyForm(form, now(), businesses.length, maxLifetimeDays);
      if (found.name) nameRef.current?.focus();
      return found;
    },
    fieldOf: (path) => fieldOfServerError({ path, message: '' }),
    action: () => onCreate(toCreateBody(form, now())),
    leavesOnSuccess: true,
  });

  // After a first submit, errors follow the form as it is corrected; the server's until a change.
  const errors: KeyFormErrors = {
    ...rejected,
    ...(submitted ? validateKeyForm(form, now(), businesses.length, maxLifetimeDays) : {}),
  };

  function update(patch: KeyFormPatch) {
    setForm((current) => ({
      ...current,
      ...(typeof patch === 'function' ? patch(current) : patch),
    }));
    clear();
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
      footer={<DialogFormActions busy={busy} submitLabel="Create key" onCancel={onCancel} />}
    >
      <FormError message={errors.form} />
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
      <PermissionsGrid
        value={form.permissions}
        onChange={(permissions) => update({ permissions })}
      />
      <FormError message={errors.permissions} />
      <AllowlistField
        value={form.allowedIps}
        onChange={(allowedIps) => update({ allowedIps })}
        serverError={rejected.allowedIps}
      />
      <ExpiryField
        form={form}
        update={update}
        error={errors.expiry}
        now={now}
        maxDays={maxLifetimeDays}
      />
    </Dialog>
  );
}
