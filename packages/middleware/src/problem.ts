const TITLES: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  405: 'Method Not Allowed',
  413: 'Content Too Large',
  502: 'Bad Gateway',
};

/** An answer of the middleware itself, as RFC 9457 problem details like the API's own. */
export function problem(status: number, code: string, detail: string): Response {
  return new Response(
    JSON.stringify({ type: 'about:blank', title: TITLES[status] ?? 'Error', status, detail, code }),
    { status, headers: { 'content-type': 'application/problem+json' } },
  );
}

/** `https://iqra.example.com/` or `…/api/v1` → `https://iqra.example.com`. */
export function normaliseBaseUrl(baseUrl: string, who: string): string {
  if (!/^https?:\/\//.test(baseUrl)) throw new TypeError(`${who}: baseUrl must be an http(s) URL.`);
  return baseUrl.replace(/\/+$/, '').replace(/\/api\/v1$/, '');
}

/** What `authorize` may answer: the business id this visitor may reach, or false. */
export type Authorize = (request: Request) => string | false | Promise<string | false>;
