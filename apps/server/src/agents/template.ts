import { ApiError } from '../http/errors.js';

/** `{{name}}`, with optional spaces inside the braces. */
const VARIABLE = /\{\{\s*([A-Za-z_][A-Za-z0-9_]{0,63})\s*\}\}/g;
export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** The distinct variable names a text refers to, in order of first use. */
export function variablesIn(text: string): string[] {
  return [...new Set(Array.from(text.matchAll(VARIABLE), (m) => m[1] ?? ''))];
}

/**
 * The variables of a template; a 400 naming the field when braces do not form a variable, so a
 * typo such as `{{ patient name }}` or `{patient}}` is caught when the agent is saved rather
 * than read aloud on a call.
 */
export function checkTemplate(text: string, path: string): string[] {
  const rest = text.replace(VARIABLE, '');
  const stray = rest.search(/\{\{|\}\}/);
  if (stray !== -1) {
    const near = rest.slice(Math.max(0, stray - 10), stray + 12);
    throw ApiError.invalidField(
      path,
      `has a malformed variable near "${near}": write variables as {{name}} (letters, digits and underscores)`,
    );
  }
  return variablesIn(text);
}

/**
 * The value given for a variable: own properties only, so `{{constructor}}` or `{{__proto__}}`
 * never reaches `Object.prototype` (which would read "function Object() { [native code] }").
 */
export function variableValue(values: Record<string, string>, name: string): string | undefined {
  return Object.hasOwn(values, name) ? values[name] : undefined;
}

/** Fills every `{{name}}`; the caller has checked that each one has a value. */
export function fillTemplate(text: string, values: Record<string, string>): string {
  return text.replace(VARIABLE, (_match, name: string) => variableValue(values, name) ?? '');
}
