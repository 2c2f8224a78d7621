import { createRequire } from 'node:module';
import type * as Phone from 'libphonenumber-js/max';
import { Type } from 'typebox';
import { ApiError } from './errors.js';

const require = createRequire(import.meta.url);
let phone: typeof Phone | undefined;
/** The full numbering-plan metadata (about 4 MB) is loaded by the first number checked. */
const numberingPlans = () => {
  phone ??= require('libphonenumber-js/max') as typeof Phone;
  return phone;
};

/**
 * A phone number in E.164. The schema holds the shape a client can check itself; whether the
 * number exists in its country's numbering plan is checked with libphonenumber's metadata.
 */
export const PhoneNumber = Type.String({
  pattern: '^\\+[1-9][0-9]{6,14}$',
  maxLength: 16,
  description:
    'E.164: `+`, country code and number, digits only. It must also be a valid number of its country’s numbering plan.',
  examples: ['+15005550006'],
  'x-pattern-message':
    'must be a phone number in E.164 format: + then country code and number, digits only, such as +15005550006',
});

/** A 400 naming `path` unless `value` is a real number of its country's plan. */
export function checkPhoneNumber(value: string, path: string): string {
  if (!numberingPlans().isValidPhoneNumber(value)) {
    throw ApiError.invalidField(
      path,
      'is not a valid phone number: + then country code and number, digits only, such as +15005550006',
    );
  }
  return value;
}
