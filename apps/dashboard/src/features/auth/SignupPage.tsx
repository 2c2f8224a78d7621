import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { ApiProblem, messageOf } from '../../api/client';
import { usePageTitle } from '../../brand/brand';
import { useSession } from '../../session/session';
import { Button } from '../../ui/Button';
import { Callout } from '../../ui/Callout';
import { TextField } from '../../ui/Field';
import { AuthLayout } from './AuthLayout';
import { checkEmail, checkName, checkNewPassword, type Errors, hasErrors } from './validation';

type Fields = 'name' | 'email' | 'password';

export function SignupPage() {
  usePageTitle('Create your account');
  const { signup } = useSession();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<Errors<Fields>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const next: Errors<Fields> = {
      name: checkName(name),
      email: checkEmail(email),
      password: checkNewPassword(password),
    };
    setErrors(next);
    setFailure(null);
    if (hasErrors(next)) return;
    setBusy(true);
    try {
      await signup({ name: name.trim(), email: email.trim(), password });
    } catch (error) {
      setBusy(false);
      if (error instanceof ApiProblem && error.code === 'email_taken') {
        setErrors({ email: 'An account with this email already exists. Log in instead?' });
      } else if (error instanceof ApiProblem && error.status === 400 && error.errors.length > 0) {
        setErrors(error.fieldErrors());
      } else {
        setFailure(messageOf(error));
      }
    }
  }

  return (
    <AuthLayout
      title="Create your account"
      subtitle="Set up businesses, mint scoped API keys and start placing calls."
      footer={
        <>
          Already have an account?{' '}
          <Link to="/login" className="link">
            Log in
          </Link>
        </>
      }
    >
      <form className="stack" noValidate onSubmit={onSubmit}>
        {failure && (
          <Callout tone="danger" role="alert">
            {failure}
          </Callout>
        )}
        <TextField
          label="Name"
          autoComplete="name"
          value={name}
          onChange={setName}
          error={errors.name}
          maxLength={100}
          required
        />
        <TextField
          label="Email"
          type="email"
          autoComplete="email"
          value={email}
          onChange={setEmail}
          error={errors.email}
          required
        />
        <TextField
          label="Password"
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={setPassword}
          error={errors.password}
          hint="At least 8 characters."
          required
        />
        <Button type="submit" variant="primary" block loading={busy}>
          Create account
        </Button>
      </form>
    </AuthLayout>
  );
}
