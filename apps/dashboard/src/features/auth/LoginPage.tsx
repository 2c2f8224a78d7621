import { type FormEvent, useRef, useState } from 'react';
import { Link } from 'react-router';
import { ApiProblem, messageOf } from '../../api/client';
import { usePageTitle } from '../../brand/brand';
import { useSession } from '../../session/session';
import { Button } from '../../ui/Button';
import { Callout } from '../../ui/Callout';
import { TextField } from '../../ui/Field';
import { AuthLayout } from './AuthLayout';
import { checkEmail, type Errors, hasErrors } from './validation';

type Fields = 'email' | 'password';

export function LoginPage() {
  usePageTitle('Log in');
  const { login, state } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<Errors<Fields>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const passwordRef = useRef<HTMLInputElement>(null);

  const expired = state.status === 'anonymous' && state.reason === 'expired';

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const next: Errors<Fields> = {
      email: checkEmail(email),
      password: password === '' ? 'Enter your password.' : undefined,
    };
    setErrors(next);
    setFailure(null);
    if (hasErrors(next)) return;
    setBusy(true);
    try {
      // The session changes and the router leaves this page (see SignedOutOnly).
      await login(email.trim(), password);
    } catch (error) {
      setBusy(false);
      if (error instanceof ApiProblem && error.code === 'invalid_credentials') {
        setFailure('Incorrect email or password. Check both and try again.');
        setPassword('');
        passwordRef.current?.focus();
      } else if (error instanceof ApiProblem && error.status === 400) {
        setErrors(error.fieldErrors());
      } else {
        setFailure(messageOf(error));
      }
    }
  }

  return (
    <AuthLayout
      title="Log in"
      subtitle="Welcome back. Manage your businesses and API keys."
      footer={
        <>
          New here?{' '}
          <Link to="/signup" className="link">
            Create an account
          </Link>
        </>
      }
    >
      <form className="stack" noValidate onSubmit={onSubmit}>
        {expired && !failure && (
          <Callout tone="info" role="status">
            Your session has ended. Log in again to continue.
          </Callout>
        )}
        {failure && (
          <Callout tone="danger" role="alert">
            {failure}
          </Callout>
        )}
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
          autoComplete="current-password"
          value={password}
          onChange={setPassword}
          error={errors.password}
          ref={passwordRef}
          required
        />
        <Button type="submit" variant="primary" block loading={busy}>
          Log in
        </Button>
      </form>
    </AuthLayout>
  );
}
