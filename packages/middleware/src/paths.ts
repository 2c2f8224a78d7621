/** A route the proxy lets through: a method and a path template under `/api/v1`. */
export interface Route {
  method: string;
  parts: ({ literal: string } | { param: string })[];
}

/** Parses `"GET /businesses/:businessId/conversations"`; throws on a malformed entry at startup. */
export function parseRoute(spec: string): Route {
  const match = /^([A-Z]+) (\/[^\s?#]*)$/.exec(spec.trim());
  if (!match?.[1] || !match[2]) {
    throw new TypeError(`iqraProxy: route "${spec}" must read "METHOD /path/:param".`);
  }
  const path = match[2].replace(/^\/api\/v1(?=\/)/, '');
  const parts = path
    .slice(1)
    .split('/')
    .map((s) => {
      if (s === '' || s === '.' || s === '..') {
        throw new TypeError(`iqraProxy: route "${spec}" has an empty or dot segment.`);
      }
      return s.startsWith(':') ? { param: s.slice(1) } : { literal: s };
    });
  return { method: match[1], parts };
}

/**
 * The path's segments, decoded once, or a reason to refuse it. Refused: an encoded slash or
 * backslash (`%2F`, `%5C`), a backslash, `//`, a `.` or `..` segment (raw or encoded), a `%` left
 * after decoding (double encoding), control characters, or bad percent-encoding. One trailing
 * slash is dropped.
 */
export function splitPath(rawPath: string): { segments: string[] } | { refused: string } {
  if (!rawPath.startsWith('/')) return { refused: 'The path must start with "/".' };
  if (/%(2f|5c)/i.test(rawPath) || rawPath.includes('\\')) {
    return { refused: 'The path must not hold an encoded slash or a backslash.' };
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return { refused: 'The path is not valid percent-encoding.' };
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (decoded.includes('%') || /[\u0000-\u001f\u007f\\]/.test(decoded)) {
    return { refused: 'The path must not be encoded twice or hold control characters.' };
  }
  if (decoded.includes('//')) return { refused: 'The path must not hold "//".' };
  const trimmed = decoded.length > 1 && decoded.endsWith('/') ? decoded.slice(0, -1) : decoded;
  const segments = trimmed.slice(1).split('/');
  if (segments.some((s) => s === '.' || s === '..')) {
    return { refused: 'The path must not hold "." or ".." segments.' };
  }
  return { segments };
}

/** The route a method and path match, with the values of its parameters. */
export function matchRoute(
  routes: readonly Route[],
  method: string,
  segments: readonly string[],
): Record<string, string> | undefined {
  for (const route of routes) {
    if (route.method !== method || route.parts.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const matched = route.parts.every((part, i) => {
      const segment = segments[i] ?? '';
      if ('literal' in part) return part.literal === segment;
      params[part.param] = segment;
      return segment !== '';
    });
    if (matched) return params;
  }
  return undefined;
}
