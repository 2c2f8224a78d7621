/**
 * The request target as it arrived (`/path?query`), before WHATWG URL parsing removes `..`
 * segments, so the proxy can refuse them rather than silently resolve them. Adapters record it;
 * a plain Fetch `Request` falls back to its (already normalised) URL.
 */
const rawTargets = new WeakMap<Request, string>();

export function recordRawTarget(request: Request, target: string): void {
  rawTargets.set(request, target);
}

export function rawTargetOf(request: Request): string {
  const raw = rawTargets.get(request);
  if (raw !== undefined) return raw;
  const url = new URL(request.url);
  return url.pathname + url.search;
}
