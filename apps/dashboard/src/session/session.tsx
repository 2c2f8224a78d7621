import type { Session, User } from '@iqra/sdk';
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
} from 'react';
import { ApiProblem, setCsrfToken, setUnauthorizedHandler } from '../api/client';
import { api } from '../api/endpoints';
import { storage } from '../lib/storage';

export type SessionState =
  | { status: 'checking' }
  | { status: 'anonymous'; reason?: 'expired' | 'logged-out' }
  | { status: 'authenticated'; user: User };

interface SessionValue {
  state: SessionState;
  login: (email: string, password: string) => Promise<void>;
  signup: (input: { email: string; password: string; name: string }) => Promise<void>;
  logout: () => Promise<void>;
  /** After a profile change, so the shell shows the new name without a request. */
  setUser: (user: User) => void;
}

const SessionContext = createContext<SessionValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>(() =>
    storage.hasSessionHint() ? { status: 'checking' } : { status: 'anonymous' },
  );

  const start = useCallback((session: Session) => {
    setCsrfToken(session.csrfToken);
    storage.setSessionHint(true);
    setState({ status: 'authenticated', user: session.user });
  }, []);

  const end = useCallback((reason: 'expired' | 'logged-out') => {
    setCsrfToken(null);
    storage.setSessionHint(false);
    setState({ status: 'anonymous', reason });
  }, []);

  useEffect(() => {
    setUnauthorizedHandler(() => end('expired'));
    return () => setUnauthorizedHandler(null);
  }, [end]);

  // One probe on load, only when this browser logged in before (no 401 for a first visit).
  useEffect(() => {
    if (!storage.hasSessionHint()) return;
    let live = true;
    api.session().then(
      (session) => live && start(session),
      (error: unknown) => {
        if (!live) return;
        if (error instanceof ApiProblem && error.status === 401) end('expired');
        else setState({ status: 'anonymous' });
      },
    );
    return () => {
      live = false;
    };
  }, [start, end]);

  const value = useMemo<SessionValue>(
    () => ({
      state,
      login: async (email, password) => start(await api.login({ email, password })),
      signup: async (input) => start(await api.signup(input)),
      logout: async () => {
        try {
          await api.logout();
        } catch (error) {
          if (!(error instanceof ApiProblem && error.status === 401)) throw error;
        }
        end('logged-out');
      },
      setUser: (user) =>
        setState((current) =>
          current.status === 'authenticated' ? { status: 'authenticated', user } : current,
        ),
    }),
    [state, start, end],
  );

  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession needs a SessionProvider.');
  return value;
}

/** The signed-in user; only for components under the authenticated routes. */
export function useUser(): User {
  const { state } = useSession();
  if (state.status !== 'authenticated') throw new Error('useUser needs a signed-in session.');
  return state.user;
}
