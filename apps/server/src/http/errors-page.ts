import type { FastifyInstance } from 'fastify';
import { ERROR_CATALOG, type ErrorCode } from './errors.js';

/** What each code means and what the client should do: the page /docs/errors and docs/errors.md. */
export const ERROR_HELP: Record<ErrorCode, string> = {
  validation_error: 'A field is missing or not valid; `errors` lists each one. Fix and resend.',
  invalid_json: 'The body could not be parsed as JSON. Fix the body and resend.',
  invalid_cursor: 'The `cursor` is not one this API issued. Start again from the first page.',
  not_authenticated: 'No credential was sent. Send `Authorization: Token iqra_sk_…`.',
  invalid_token_header: 'The Authorization header is malformed. Use the `Token ` prefix.',
  invalid_token: 'The key is unknown, revoked or expired. Do not retry with the same key.',
  scanning_signature_invalid:
    'A secret scanning report was not signed by a key in the partner key file. Nothing was revoked.',
  invalid_credentials: 'The email or password is wrong. Do not retry automatically.',
  insufficient_credit: 'The account has no call credit left. Add credit, then place the call.',
  csrf_failed: 'A session request that changes something lacks a valid `X-CSRF-Token`.',
  user_management_required: 'This route needs a key with user management.',
  business_access_denied: 'The key is restricted to other businesses.',
  unrestricted_key_required: 'Creating a business needs a key scoped to all businesses.',
  escalation_denied: 'A key cannot create a key with more access than its own.',
  permission_denied:
    'The key lacks the permission this route needs (e.g. `calls:write`). Use a key that has it.',
  ip_not_allowed: 'The key cannot be used from this IP address: its allowlist does not include it.',
  key_not_active: 'The key is revoked or expired, so it cannot be rolled.',
  key_already_rolled: 'The key was already rolled; roll its successor instead.',
  invalid_signature: 'A signed callback (Twilio) did not carry a valid signature.',
  session_required: 'This route is only for dashboard sessions, not API keys.',
  api_key_required:
    'Mint client tokens with an API key (`Authorization: Token iqra_sk_…`), on your server.',
  client_token_not_allowed:
    'Client tokens reach only the agents, calls and conversations of their business. Use an API key, on a server, for anything else.',
  user_disabled: 'The account is disabled. Contact support.',
  business_disabled: 'The business is disabled; enable it to change it or place calls.',
  not_found: 'No such resource, or it belongs to someone else.',
  method_not_allowed: 'The path exists but not with this method.',
  conflict:
    'The request conflicts with the current state (for example, cancelling an answered call).',
  email_taken: 'An account with this email already exists. Log in instead.',
  request_timeout: 'The request took too long to arrive. Retry.',
  payload_too_large: 'The body is over the size limit.',
  unsupported_media_type: 'Send the body as `application/json`.',
  unprocessable: 'The request is well formed but cannot be carried out.',
  idempotency_mismatch: 'This `Idempotency-Key` was used with another body. Use a new key.',
  rate_limited: 'Too many requests. Wait `Retry-After` seconds, then retry.',
  headers_too_large: 'The request headers are over the size limit.',
  internal_error: 'Something failed on our side. Retry later; quote the `requestId`.',
  service_unavailable: 'The service is briefly unavailable. Retry with backoff.',
};

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c,
  );
const code = (text: string) => escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>');

/** The error catalogue as a static page (no script), where every problem's `type` points. */
export function errorsPageHtml(): string {
  const rows = (Object.keys(ERROR_CATALOG) as ErrorCode[])
    .map(
      (c) =>
        `<tr id="${c}"><td><a href="#${c}"><code>${c}</code></a></td><td>${ERROR_CATALOG[c].status}</td><td>${code(ERROR_HELP[c])}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Iqra API errors</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;vertical-align:top}
tr:target{background:#fff7c2}</style></head>
<body><h1>Errors</h1>
<p>Every error answer is an RFC 9457 problem (<code>application/problem+json</code>) with a stable
<code>code</code>; its <code>type</code> links here. See the <a href="/docs">API reference</a>.</p>
<table><thead><tr><th>code</th><th>status</th><th>meaning and what to do</th></tr></thead>
<tbody>
${rows}
</tbody></table></body></html>
`;
}

export function registerErrorsPage(app: FastifyInstance): void {
  const html = errorsPageHtml();
  app.get('/docs/errors', { config: { access: 'public' }, schema: { hide: true } }, (_req, reply) =>
    reply.type('text/html; charset=utf-8').send(html),
  );
}
