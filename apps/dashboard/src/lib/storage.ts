/**
 * The only things the dashboard keeps in the browser's storage: a hint that a session cookie was
 * set (so a logged-out visit does not probe the API and log a 401), and which business is
 * selected. Neither is a secret; an API key is never stored.
 */
const SESSION_HINT = 'iqra.session';
const CURRENT_BUSINESS = 'iqra.business';

function read(name: string): string | null {
  try {
    return window.localStorage.getItem(name);
  } catch {
    return null;
  }
}

function write(name: string, value: string | null): void {
  try {
    if (value === null) window.localStorage.removeItem(name);
    else window.localStorage.setItem(name, value);
  } catch {
    // Storage may be disabled (private mode): the dashboard works without it.
  }
}

export const storage = {
  hasSessionHint: () => read(SESSION_HINT) === '1',
  setSessionHint: (on: boolean) => write(SESSION_HINT, on ? '1' : null),
  currentBusiness: () => read(CURRENT_BUSINESS),
  setCurrentBusiness: (id: string | null) => write(CURRENT_BUSINESS, id),
};
