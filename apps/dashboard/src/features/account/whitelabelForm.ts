import type { Whitelabel } from '@iqra/sdk';
import { isHexColor } from '../../lib/color';

export interface WhitelabelForm {
  brandName: string;
  logoUrl: string;
  primaryColor: string;
  supportEmail: string;
  customDomain: string;
}

export const WHITELABEL_FIELDS = [
  'brandName',
  'logoUrl',
  'primaryColor',
  'supportEmail',
  'customDomain',
] as const satisfies readonly (keyof WhitelabelForm)[];

export type WhitelabelErrors = Partial<Record<keyof WhitelabelForm | 'form', string>>;

export const DEFAULT_COLOR = '#4f46e5';

export function toForm(settings: Whitelabel | null): WhitelabelForm {
  return {
    brandName: settings?.brandName ?? '',
    logoUrl: settings?.logoUrl ?? '',
    primaryColor: settings?.primaryColor ?? '',
    supportEmail: settings?.supportEmail ?? '',
    customDomain: settings?.customDomain ?? '',
  };
}

/** The PUT body: every field, blank ones as null (the API replaces the whole record). */
export function toBody(form: WhitelabelForm): Omit<Whitelabel, 'updatedAt'> {
  const value = (text: string) => (text.trim() === '' ? null : text.trim());
  return {
    brandName: value(form.brandName),
    logoUrl: value(form.logoUrl),
    primaryColor: value(form.primaryColor)?.toLowerCase() ?? null,
    supportEmail: value(form.supportEmail),
    customDomain: value(form.customDomain)?.toLowerCase() ?? null,
  };
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DOMAIN = /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

export function validateWhitelabel(form: WhitelabelForm): WhitelabelErrors {
  const errors: WhitelabelErrors = {};
  const body = toBody(form);
  if (body.brandName && body.brandName.length > 60) errors.brandName = 'Use at most 60 characters.';
  if (body.logoUrl) {
    let url: URL | null = null;
    try {
      url = new URL(body.logoUrl);
    } catch {
      url = null;
    }
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
      errors.logoUrl = 'Enter a full URL starting with https://.';
    } else if (url.protocol === 'http:') {
      errors.logoUrl = 'Use an https:// URL; the dashboard only loads images over HTTPS.';
    }
  }
  if (body.primaryColor && !isHexColor(body.primaryColor)) {
    errors.primaryColor = 'Use a hex colour like #4f46e5.';
  }
  if (body.supportEmail && !EMAIL.test(body.supportEmail)) {
    errors.supportEmail = 'Enter a valid email address.';
  }
  if (body.customDomain && !DOMAIN.test(body.customDomain)) {
    errors.customDomain = 'Enter a host name like voice.acme.example.';
  }
  return errors;
}
