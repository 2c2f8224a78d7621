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

/** The resources a key's `permissions` name (API.md §5), each `none | read | write`. */
export const RESOURCES = [
  'businesses',
  'agents',
  'calls',
  'conversations',
  'webhooks',
  'telephony',
] as const;
export type Resource = (typeof RESOURCES)[number];
export type PermissionLevel = 'none' | 'read' | 'write';
export type Permissions = Record<Resource, PermissionLevel>;

/** What a key made without `permissions` gets: the seed's behaviour, write everywhere. */
export const FULL_PERMISSIONS: Permissions = Object.freeze({
  businesses: 'write',
  agents: 'write',
  calls: 'write',
  conversations: 'write',
  webhooks: 'write',
  telephony: 'write',
});

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    /**
     * The resource(s) a `business` route touches; GET needs `read` on each, any other method
     * `write`. Required on business routes (the server refuses to start otherwise).
     */
    resource?: Resource | readonly Resource[];
  }
}
