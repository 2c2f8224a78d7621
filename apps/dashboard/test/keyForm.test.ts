import { describe, expect, it } from 'vitest';
import { PRESETS } from '../src/features/keys/access';
import {
  dateInputValue,
  endOfLocalDay,
  expiresAtOf,
  fieldOfServerError,
  initialKeyForm,
  type KeyForm,
  toCreateBody,
  validateKeyForm,
} from '../src/features/keys/keyForm';

const NOW = new Date('2026-11-28T10:00:00.000Z');
const DAY = 24 * 60 * 60 * 1000;

function form(patch: Partial<KeyForm> = {}): KeyForm {
  return { ...initialKeyForm('biz_a'), name: 'Zapier Integration - Dental Clinic', ...patch };
}

describe('initialKeyForm (least privilege)', () => {
  it('preselects restricted to the current business, no user management, no expiry', () => {
    expect(initialKeyForm('biz_a')).toEqual({
      name: '',
      scope: 'restricted',
      businessIds: ['biz_a'],
      userManagement: false,
      expiry: 'never',
      expiryDate: '',
      permissions: PRESETS.full.permissions,
      allowedIps: '',
    });
  });

  it('stays restricted with nothing selected when there is no business yet', () => {
    expect(initialKeyForm(null)).toMatchObject({ scope: 'restricted', businessIds: [] });
  });
});

describe('expiresAtOf', () => {
  it('is null for never', () => {
    expect(expiresAtOf({ expiry: 'never', expiryDate: '2027-01-01' }, NOW)).toBeNull();
  });

  it('adds exactly 30, 60 or 90 days to now', () => {
    for (const days of [30, 60, 90] as const) {
      const at = expiresAtOf({ expiry: String(days) as '30', expiryDate: '' }, NOW);
      expect(at).toBe(new Date(NOW.getTime() + days * DAY).toISOString());
    }
  });

  it('ends at the last millisecond of the chosen local day', () => {
    const at = expiresAtOf({ expiry: 'date', expiryDate: '2027-03-15' }, NOW);
    expect(at).toBe(new Date(2027, 2, 15, 23, 59, 59, 999).toISOString());
  });

  it('is undefined for a missing or impossible date', () => {
    expect(expiresAtOf({ expiry: 'date', expiryDate: '' }, NOW)).toBeUndefined();
    expect(expiresAtOf({ expiry: 'date', expiryDate: '2027-02-30' }, NOW)).toBeUndefined();
    expect(endOfLocalDay('15/03/2027')).toBeNull();
  });

  it('formats a local day the way the date input reads it', () => {
    expect(dateInputValue(new Date(2027, 0, 5, 12))).toBe('2027-01-05');
  });
});

describe('validateKeyForm', () => {
  it('accepts the least-privilege defaults once named', () => {
    expect(validateKeyForm(form(), NOW, 2)).toEqual({});
  });

  it('requires a name, and at most 100 characters', () => {
    expect(validateKeyForm(form({ name: '   ' }), NOW, 2).name).toMatch(/name/);
    expect(validateKeyForm(form({ name: 'x'.repeat(101) }), NOW, 2).name).toBe(
      'Use at most 100 characters.',
    );
    expect(validateKeyForm(form({ name: 'x'.repeat(100) }), NOW, 2).name).toBeUndefined();
  });

  it('requires at least one business when restricted', () => {
    const errors = validateKeyForm(form({ businessIds: [] }), NOW, 2);
    expect(errors.businessIds).toBe('Choose at least one business.');
  });

  it('tells an account without businesses to create one or choose Unrestricted', () => {
    const errors = validateKeyForm(form({ businessIds: [] }), NOW, 0);
    expect(errors.businessIds).toBe(
      'You have no businesses yet. Create one first, or choose Unrestricted.',
    );
  });

  it('needs no business when unrestricted', () => {
    const errors = validateKeyForm(form({ scope: 'unrestricted', businessIds: [] }), NOW, 0);
    expect(errors).toEqual({});
  });

  it('wants a real date in the future for a chosen date', () => {
    const at = (expiryDate: string) =>
      validateKeyForm(form({ expiry: 'date', expiryDate }), NOW, 1).expiry;
    expect(at('')).toBe('Pick the date the key stops working.');
    expect(at('2026-02-30')).toBe('Enter a valid date.');
    expect(at('2026-11-01')).toBe('Pick a date in the future.');
    expect(at(dateInputValue(NOW))).toBeUndefined(); // today still has hours left
    expect(at('2027-06-01')).toBeUndefined();
  });
});

describe('toCreateBody', () => {
  it('sends a restricted scope with each business once, the trimmed name, and the expiry', () => {
    const body = toCreateBody(
      form({ name: '  Zapier  ', businessIds: ['biz_a', 'biz_b', 'biz_a'], expiry: '30' }),
      NOW,
    );
    expect(body).toEqual({
      name: 'Zapier',
      businessScope: { type: 'restricted', businessIds: ['biz_a', 'biz_b'] },
      userManagement: false,
      permissions: PRESETS.full.permissions,
      allowedIps: [],
      expiresAt: new Date(NOW.getTime() + 30 * DAY).toISOString(),
    });
  });

  it('drops the business list for an unrestricted key', () => {
    const body = toCreateBody(form({ scope: 'unrestricted', userManagement: true }), NOW);
    expect(body.businessScope).toEqual({ type: 'unrestricted' });
    expect(body.userManagement).toBe(true);
    expect(body.expiresAt).toBeNull();
  });
});

describe('fieldOfServerError', () => {
  it("maps the API's error paths onto the form's fields", () => {
    expect(fieldOfServerError({ path: '/name', message: 'x' })).toBe('name');
    expect(fieldOfServerError({ path: '/businessScope/businessIds/0', message: 'x' })).toBe(
      'businessIds',
    );
    expect(fieldOfServerError({ path: '/businessScope', message: 'x' })).toBe('businessIds');
    expect(fieldOfServerError({ path: '/expiresAt', message: 'x' })).toBe('expiry');
    expect(fieldOfServerError({ path: '', message: 'x' })).toBe('form');
  });
});
