import { useState } from 'react';
import { api } from '../../api/endpoints';
import { formatDate } from '../../lib/format';
import { useSession, useUser } from '../../session/session';
import { Button } from '../../ui/Button';
import { Field, TextField } from '../../ui/Field';
import { FormError } from '../../ui/FormParts';
import { useSubmit } from '../../ui/useSubmit';
import { checkName } from '../auth/validation';

export function ProfileCard() {
  const user = useUser();
  const { setUser } = useSession();
  const [name, setName] = useState(user.name);
  const changed = name.trim() !== user.name;

  const { busy, errors, onSubmit, bind } = useSubmit({
    fields: ['name'],
    validate: () => ({ name: checkName(name) }),
    action: async () => {
      if (!changed) return null;
      const updated = await api.updateUser({ name: name.trim() });
      setUser(updated);
      setName(updated.name);
      return updated;
    },
    success: (updated) => (updated ? 'Profile saved.' : undefined),
  });

  return (
    <section className="card" aria-labelledby="profile-title">
      <div className="card-header">
        <h2 id="profile-title" className="card-title">
          Profile
        </h2>
        <p className="card-description">Member since {formatDate(user.createdAt)}.</p>
      </div>
      <form className="card-body stack" noValidate onSubmit={onSubmit}>
        <FormError message={errors.form} />
        <div className="grid-2">
          <TextField
            label="Name"
            {...bind('name', name, setName)}
            autoComplete="name"
            maxLength={100}
            required
          />
          <Field label="Email" hint="Your login; it cannot be changed here.">
            {(control) => <input className="input" value={user.email} readOnly {...control} />}
          </Field>
        </div>
        <div className="form-actions">
          <Button type="submit" variant="primary" loading={busy} disabled={!changed}>
            Save profile
          </Button>
        </div>
      </form>
    </section>
  );
}
