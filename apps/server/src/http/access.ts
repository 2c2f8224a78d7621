/**
 * What a route needs, declared in its options (`config: { access }`); the guard checks it before
 * the body is parsed, and the server refuses to start when an `/api/v1` route declares none.
 * - `public`: nothing; no credential is read.
 * - `session`: a dashboard session (not an API key).
 * - `anyCredential`: any valid credential.
 * - `unrestrictedScope`: a credential whose business scope is unrestricted (it could reach what it
 *   creates).
 * - `userManagement`: a credential with user management (sessions always have it).
 * - `accountWide`: user management and an unrestricted scope — account-wide data such as billing.
 * - `business`: the `:businessId` of the path is the caller's, in scope and not disabled.
 * - `businessIncludingDisabled`: like `business`, but a session may still reach a disabled
 *   business so its owner can re-enable or delete it.
 */
export type Access =
  | 'public'
  | 'session'
  | 'anyCredential'
  | 'unrestrictedScope'
  | 'userManagement'
  | 'accountWide'
  | 'business'
  | 'businessIncludingDisabled';

export const ACCESS_LEVELS: readonly Access[] = [
  'public',
  'session',
  'anyCredential',
  'unrestrictedScope',
  'userManagement',
  'accountWide',
  'business',
  'businessIncludingDisabled',
];

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
}
