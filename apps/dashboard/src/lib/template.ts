/** `{{name}}`, with optional spaces inside the braces: the server's rule (agents/template.ts). */
const VARIABLE = /\{\{\s*([A-Za-z_][A-Za-z0-9_]{0,63})\s*\}\}/g;

/** The distinct variable names a text refers to, in order of first use. */
export function variablesIn(...texts: string[]): string[] {
  const names = texts.flatMap((text) => Array.from(text.matchAll(VARIABLE), (m) => m[1] ?? ''));
  return [...new Set(names)];
}

/** Splits a template into text and variables, so a preview can mark what was filled in. */
export function templateParts(
  text: string,
): ({ kind: 'text'; text: string } | { kind: 'variable'; name: string })[] {
  const parts: ({ kind: 'text'; text: string } | { kind: 'variable'; name: string })[] = [];
  let last = 0;
  for (const match of text.matchAll(VARIABLE)) {
    const at = match.index ?? 0;
    if (at > last) parts.push({ kind: 'text', text: text.slice(last, at) });
    parts.push({ kind: 'variable', name: match[1] ?? '' });
    last = at + match[0].length;
  }
  if (last < text.length) parts.push({ kind: 'text', text: text.slice(last) });
  return parts;
}

/** Fills every `{{name}}`; a name without a value stays as written. */
export function fillTemplate(text: string, values: Record<string, string>): string {
  return text.replace(VARIABLE, (whole, name: string) => values[name] || whole);
}
