import type { ApiKeyCreate, BusinessScope, FieldError, KeyPermissions } from '@iqra/sdk';
import { allowlistError, PRESETS, parseAllowlist } from './access';

/** The Add API Key form, as plain data and pure functions (tested without a browser). */

export type ScopeChoice = 'restricted' | 'unrestricted';
export type ExpiryChoice = 'never' | '30' | '60' | '90' | 'date';

export const EXPIRY_OPTIONS: { value: ExpiryChoice; label: string }[] = [
  { value: 'never', label: 'Never' },
  { value: '30', label: '30 days' },
  { value: '60', label: '60 days' },
  { value: '90', label: '90 days' },
  { value: 'date', label: 'On a date…' },
];

export interface KeyForm {
  name: string;
  scope: ScopeChoice;
  businessIds: string[];
  userManagement: boolean;
  expiry: ExpiryChoice;
  /** `YYYY-MM-DD` from the date input, when `expiry` is `date`. */
  expiryDate: string;
  permissions: KeyPermissions;
  /** The allowlist box as typed: addresses and CIDRs, one per line or comma-separated. */
  allowedIps: string;
}

/** A change to the form: fields, or a function of the current form (for async updates). */
export type KeyFormPatch = Partial<KeyForm> | ((current: KeyForm) => Partial<KeyForm>);

/** What each part of the form gets from the dialog. */
export interface KeyFormPartProps {
  form: KeyForm;
  update: (patch: KeyFormPatch) => void;
  error: string | undefined;
}

export type KeyFormField = 'name' | 'businessIds' | 'expiry' | 'allowedIps' | 'permissions';
export type KeyFormErrors = Partial<Record<KeyFormField | 'form', string>>;

export const NAME_MAX = 100;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Least privilege first: restricted to the current business, no user management, no expiry. */
export function initialKeyForm(currentBusinessId: string | null): KeyForm {
  return {
    name: '',
    scope: 'restricted',
    businessIds: currentBusinessId ? [currentBusinessId] : [],
    userManagement: false,
    expiry: 'never',
    expiryDate: '',
    permissions: { ...PRESETS.full.permissions },
    allowedIps: '',
  };
}

/** `YYYY-MM-DD` of a local calendar day, as `<input type="date">` uses it. */
export function dateInputValue(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The end (23:59:59.999 local time) of a `YYYY-MM-DD` day, or null when it is not a real date. */
export function endOfLocalDay(value: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(year, month - 1, day, 23, 59, 59, 999);
  const real =
    date.getFullYear() === year && date.getMonth() === month - 1 && date.getDate() === day;
  return real ? date : null;
}

/**
 * When the key stops working: null for never; N days from `now`; or the end of the chosen local
 * day. Undefined when the chosen date is missing or not a date (validation reports it).
 */
export function expiresAtOf(form: Pick<KeyForm, 'expiry' | 'expiryDate'>, now: Date) {
  switch (form.expiry) {
    case 'never':
      return null;
    case 'date':
      return endOfLocalDay(form.expiryDate)?.toISOString();
    default:
      return new Date(now.getTime() + Number(form.expiry) * DAY_MS).toISOString();
  }
}

/**
 * `maxDays`: the account's key policy (`maxLifetimeDays`); a key may not outlive it, and "never"
 * means the maximum.
 */
export function validateKeyForm(
  form: KeyForm,
  now: Date,
  businessCount: number,
  maxDays: number | null = null,
): KeyFormErrors {
  const errors: KeyFormErrors = {};
  const name = form.name.trim();
  if (name === '') errors.name = 'Give the key a name, so you know later where it is used.';
  else if (name.length > NAME_MAX) errors.name = `Use at most ${NAME_MAX} characters.`;

  if (form.scope === 'restricted' && form.businessIds.length === 0) {
    errors.businessIds =
      businessCount === 0
        ? 'You have no businesses yet. Create one first, or choose Unrestricted.'
        : 'Choose at least one business.';
  }

  if (form.expiry === 'date') {
    const at = expiresAtOf(form, now);
    if (form.expiryDate === '') errors.expiry = 'Pick the date the key stops working.';
    else if (!at) errors.expiry = 'Enter a valid date.';
    else if (Date.parse(at) <= now.getTime()) errors.expiry = 'Pick a date in the future.';
  }
  if (maxDays !== null && form.expiry !== 'never') {
    const at = expiresAtOf(form, now);
    if (at && Date.parse(at) > now.getTime() + maxDays * DAY_MS)
      errors.expiry = `Your account's key policy allows at most ${maxDays} days.`;
  }
  const ips = allowlistError(form.allowedIps);
  if (ips) errors.allowedIps = ips;
  return errors;
}

export function toCreateBody(form: KeyForm, now: Date): ApiKeyCreate {
  const businessScope: BusinessScope =
    form.scope === 'unrestricted'
      ? { type: 'unrestricted' }
      : { type: 'restricted', businessIds: [...new Set(form.businessIds)] };
  return {
    name: form.name.trim(),
    businessScope,
    userManagement: form.userManagement,
    permissions: { ...form.permissions },
    allowedIps: [...new Set(parseAllowlist(form.allowedIps))],
    expiresAt: expiresAtOf(form, now) ?? null,
  };
}

/** Which field of the form a server-side validation error belongs to. */
export function fieldOfServerError(error: FieldError): KeyFormField | 'form' {
  if (error.path === '/name') return 'name';
  if (error.path.startsWith('/businessScope')) return 'businessIds';
  if (error.path === '/expiresAt') return 'expiry';
  if (error.path.startsWith('/allowedIps')) return 'allowedIps';
  if (error.path.startsWith('/permissions')) return 'permissions';
  return 'form';
}
