import { type FormEvent, useState } from 'react';
import { ApiProblem, messageOf } from '../../api/client';
import { api } from '../../api/endpoints';
import { formatDate } from '../../lib/format';
import { useSession, useUser } from '../../session/session';
import { Button } from '../../ui/Button';
import { Callout } from '../../ui/Callout';
import { Field, TextField } from '../../ui/Field';
import { useToast } from '../../ui/Toast';
import { checkName } from '../auth/validation';

export function ProfileCard() {
  const user = useUser();
  const { setUser } = useSession();
  const notify = useToast();
  const [name, setName] = useState(user.name);
  const [error, setError] = useState<string | undefined>();
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const changed = name.trim() !== user.name;

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const problem = checkName(name);
    setError(problem);
    setFailure(null);
    if (problem || !changed) return;
    setBusy(true);
    try {
      const updated = await api.updateUser({ name: name.trim() });
      setUser(updated);
      setName(updated.name);
      notify('Profile saved.');
    } catch (caught) {
      if (caught instanceof ApiProblem && caught.fieldErrors().name) {
        setError(caught.fieldErrors().name);
      } else {
        setFailure(messageOf(caught));
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card" aria-labelledby="profile-title">
      <div className="card-header">
        <h2 id="profile-title" className="card-title">
          Profile
        </h2>
        <p className="card-description">Member since {formatDate(user.createdAt)}.</p>
      </div>
      <form className="card-body stack" noValidate onSubmit={onSubmit}>
        {failure && (
          <Callout tone="danger" role="alert">
            {failure}
          </Callout>
        )}
        <div className="grid-2">
          <TextField
            label="Name"
            value={name}
            onChange={(value) => {
              setName(value);
              setError(undefined);
            }}
            error={error}
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
