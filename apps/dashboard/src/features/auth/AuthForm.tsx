import { type ReactNode, useRef, useState } from 'react';
import { Link } from 'react-router';
import { ApiProblem } from '../../api/client';
import { usePageTitle } from '../../brand/brand';
import { useSession } from '../../session/session';
import { Button } from '../../ui/Button';
import { Callout } from '../../ui/Callout';
import { TextField } from '../../ui/Field';
import { FormError } from '../../ui/FormParts';
import { type FormErrors, useSubmit } from '../../ui/useSubmit';
import { AuthLayout } from './AuthLayout';
import { checkEmail, checkName, checkNewPassword } from './validation';

export type AuthMode = 'login' | 'signup';

type Fields = 'name' | 'email' | 'password';

interface Values {
  name: string;
  email: string;
  password: string;
}

/** What differs between logging in and signing up; the form itself is one. */
const MODES: Record<
  AuthMode,
  {
    title: string;
    subtitle: string;
    submit: string;
    footer: ReactNode;
    fields: readonly Fields[];
    validate: (values: Values) => FormErrors<Fields>;
  }
> = {
  login: {
    title: 'Log in',
    subtitle: 'Welcome back. Manage your businesses and API keys.',
    submit: 'Log in',
    footer: (
      <>
        New here?{' '}
        <Link to="/signup" className="link">
          Create an account
        </Link>
      </>
    ),
    fields: ['email', 'password'],
    validate: ({ email, password }) => ({
      email: checkEmail(email),
      password: password === '' ? 'Enter your password.' : undefined,
    }),
  },
  signup: {
    title: 'Create your account',
    subtitle: 'Set up businesses, mint scoped API keys and start placing calls.',
    submit: 'Create account',
    footer: (
      <>
        Already have an account?{' '}
        <Link to="/login" className="link">
          Log in
        </Link>
      </>
    ),
    fields: ['name', 'email', 'password'],
    validate: ({ name, email, password }) => ({
      name: checkName(name),
      email: checkEmail(email),
      password: checkNewPassword(password),
    }),
  },
};

/** The login and signup form: the same fields, checks and failure handling, two wordings. */
export function AuthForm({ mode }: { mode: AuthMode }) {
  const config = MODES[mode];
  usePageTitle(config.title);
  const { login, signup, state } = useSession();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const passwordRef = useRef<HTMLInputElement>(null);

  const { busy, errors, onSubmit } = useSubmit({
    fields: config.fields,
    validate: () => config.validate({ name, email, password }),
    // On success the session changes and the router leaves this page (see SignedOutOnly).
    action: () =>
      mode === 'login'
        ? login(email.trim(), password)
        : signup({ name: name.trim(), email: email.trim(), password }),
    leavesOnSuccess: true,
    onProblem: (error): FormErrors<Fields> | undefined => {
      if (!(error instanceof ApiProblem)) return undefined;
      if (error.code === 'invalid_credentials') {
        setPassword('');
        passwordRef.current?.focus();
        return { form: 'Incorrect email or password. Check both and try again.' };
      }
      if (error.code === 'email_taken') {
        return { email: 'An account with this email already exists. Log in instead?' };
      }
      return undefined;
    },
  });

  const expired = mode === 'login' && state.status === 'anonymous' && state.reason === 'expired';

  return (
    <AuthLayout title={config.title} subtitle={config.subtitle} footer={config.footer}>
      <form className="stack" noValidate onSubmit={onSubmit}>
        {expired && !errors.form && (
          <Callout tone="info" role="status">
            Your session has ended. Log in again to continue.
          </Callout>
        )}
        <FormError message={errors.form} />
        {mode === 'signup' && (
          <TextField
            label="Name"
            autoComplete="name"
            value={name}
            onChange={setName}
            error={errors.name}
            maxLength={100}
            required
          />
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
          autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
          value={password}
          onChange={setPassword}
          error={errors.password}
          hint={mode === 'signup' ? 'At least 8 characters.' : undefined}
          ref={passwordRef}
          required
        />
        <Button type="submit" variant="primary" block loading={busy}>
          {config.submit}
        </Button>
      </form>
    </AuthLayout>
  );
}

/** Two page components, not one with a prop, so moving between them starts a fresh form. */
export function LoginPage() {
  return <AuthForm mode="login" />;
}

export function SignupPage() {
  return <AuthForm mode="signup" />;
}
