import type { Session } from '@iqra/sdk';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LoginPage, SignupPage } from '../src/features/auth/AuthForm';
import { SessionProvider, useSession } from '../src/session/session';

const AT = '2026-11-28T10:00:00.000Z';

function session(name: string, email: string): Session {
  return { user: { id: 'usr_1', name, email, createdAt: AT }, csrfToken: 'csrf-1' };
}

function json(status: number, body: unknown) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

/** Answers each POST with the next of `answers`, and records what was sent. */
function fakeApi(...answers: Response[]) {
  const sent: { path: string; body: unknown }[] = [];
  const fetch = vi.fn(async (path: string, init?: RequestInit) => {
    sent.push({ path, body: JSON.parse(String(init?.body)) });
    return answers.shift() ?? json(500, { code: 'internal', detail: 'No answer left.' });
  });
  vi.stubGlobal('fetch', fetch);
  return { fetch, sent };
}

function SignedIn() {
  const { state } = useSession();
  return (
    <p>{state.status === 'authenticated' ? `Signed in as ${state.user.name}` : 'Anonymous'}</p>
  );
}

function renderAt(path: '/login' | '/signup') {
  const user = userEvent.setup();
  render(
    <MemoryRouter initialEntries={[path]}>
      <SessionProvider>
        <SignedIn />
        <Routes>
          <Route path="/login" element={<LoginPage />} />
          <Route path="/signup" element={<SignupPage />} />
        </Routes>
      </SessionProvider>
    </MemoryRouter>,
  );
  const field = (name: string) => screen.getByLabelText(new RegExp(`^${name}`));
  const submit = (name: string) => screen.getByRole('button', { name });
  /** Fills the signup form with a valid email and password. */
  const fill = async (name: string) => {
    await user.type(field('Name'), name);
    await user.type(field('Email'), 'ada@example.com');
    await user.type(field('Password'), 'long enough');
  };
  return { user, field, submit, fill };
}

beforeEach(() => localStorage.clear());
afterEach(() => vi.unstubAllGlobals());

describe('AuthForm, login mode', () => {
  it('has the login wording and fields only', () => {
    renderAt('/login');
    expect(screen.getByRole('heading', { name: 'Log in' })).toBeInTheDocument();
    expect(screen.getByText('Welcome back. Manage your businesses and API keys.')).toBeVisible();
    expect(screen.queryByLabelText(/^Name/)).not.toBeInTheDocument();
    expect(screen.getByLabelText(/^Password/)).toHaveAttribute('autocomplete', 'current-password');
    expect(screen.getByRole('link', { name: 'Create an account' })).toHaveAttribute(
      'href',
      '/signup',
    );
  });

  it('checks the fields before sending anything', async () => {
    const api = fakeApi();
    const { user, submit } = renderAt('/login');
    await user.click(submit('Log in'));
    expect(screen.getByText('Enter your email address.')).toBeVisible();
    expect(screen.getByText('Enter your password.')).toBeVisible();
    expect(api.fetch).not.toHaveBeenCalled();
  });

  it('says a wrong password plainly, clears it and puts the focus back on it', async () => {
    const api = fakeApi(
      json(401, { code: 'invalid_credentials', detail: 'Invalid email or password.' }),
    );
    const { user, field, submit } = renderAt('/login');
    await user.type(field('Email'), ' grace@example.com ');
    await user.type(field('Password'), 'not the password');
    await user.click(submit('Log in'));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Incorrect email or password. Check both and try again.',
    );
    expect(field('Password')).toHaveValue('');
    expect(field('Password')).toHaveFocus();
    expect(submit('Log in')).toBeEnabled();
    expect(api.sent).toEqual([
      { path: '/auth/login', body: { email: 'grace@example.com', password: 'not the password' } },
    ]);
  });

  it('signs in, and stays busy while the page is left', async () => {
    fakeApi(json(200, session('Grace', 'grace@example.com')));
    const { user, field, submit } = renderAt('/login');
    await user.type(field('Email'), 'grace@example.com');
    await user.type(field('Password'), 'correct horse');
    await user.click(submit('Log in'));
    expect(await screen.findByText('Signed in as Grace')).toBeInTheDocument();
    expect(submit('Log in')).toBeDisabled();
  });
});

describe('AuthForm, signup mode', () => {
  it('has the signup wording and a name field', async () => {
    const api = fakeApi();
    const { user, submit } = renderAt('/signup');
    expect(screen.getByRole('heading', { name: 'Create your account' })).toBeInTheDocument();
    expect(screen.getByLabelText(/^Password/)).toHaveAttribute('autocomplete', 'new-password');
    expect(screen.getByText('At least 8 characters.')).toBeVisible();
    expect(screen.getByRole('link', { name: 'Log in' })).toHaveAttribute('href', '/login');
    await user.click(submit('Create account'));
    expect(screen.getByText('Enter your name.')).toBeVisible();
    expect(screen.getByText('Enter your email address.')).toBeVisible();
    expect(screen.getByText('Choose a password.')).toBeVisible();
    expect(api.fetch).not.toHaveBeenCalled();
  });

  it('puts a taken email on the email field, and the validator’s errors on theirs', async () => {
    const api = fakeApi(
      json(409, { code: 'email_taken', detail: 'Email taken.' }),
      json(400, {
        code: 'validation_error',
        detail: 'Body is invalid.',
        errors: [{ path: '/password', message: 'must NOT have more than 256 characters' }],
      }),
    );
    const { user, field, submit, fill } = renderAt('/signup');
    await fill(' Ada ');
    await user.click(submit('Create account'));
    const email = field('Email').closest('.field') as HTMLElement;
    expect(
      await within(email).findByText('An account with this email already exists. Log in instead?'),
    ).toBeVisible();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    await user.click(submit('Create account'));
    const password = field('Password').closest('.field') as HTMLElement;
    expect(await within(password).findByText('Must be at most 256 characters.')).toBeVisible();
    expect(api.sent[0]).toEqual({
      path: '/auth/signup',
      body: { name: 'Ada', email: 'ada@example.com', password: 'long enough' },
    });
  });

  it('shows any other failure above the form', async () => {
    fakeApi(json(503, { code: 'unavailable', detail: 'Try again in a minute.' }));
    const { user, submit, fill } = renderAt('/signup');
    await fill('Ada');
    await user.click(submit('Create account'));
    expect(await screen.findByRole('alert')).toHaveTextContent('Try again in a minute.');
    expect(submit('Create account')).toBeEnabled();
  });
});
