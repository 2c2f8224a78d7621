/**
 * Types of routes API.md §5 and §7 promise but the server does not serve yet, written from the
 * contract by hand. When a route arrives, its type moves to `types.ts` (generated) and leaves here.
 */

import type { ApiKey } from './types.js';

export type ResourcePermission = 'none' | 'read' | 'write';

/** `PATCH /api/v1/user/api-keys/:keyId` (§5): only the name and the allowlist change. */
export interface ApiKeyUpdate {
  name?: string;
  allowedIps?: string[];
}

/** `POST /api/v1/user/api-keys/:keyId/roll` (§5). */
export interface ApiKeyRoll {
  /** 0…604800 seconds the old key keeps working (default 86400). */
  overlapSeconds?: number;
}

/** The roll answer: the new key (shown once) that copies the old one. */
export type RolledApiKey = ApiKey & { key: string };

/** The cascade revoke answer (§5): the keys whose status changed. */
export type RevokedApiKey = ApiKey & { cascaded?: string[] };

/** One day of `GET /api/v1/user/api-keys/:keyId/usage` (§5). */
export interface ApiKeyUsageDay {
  date: string;
  requests: number;
  rejected: number;
  unauthorized: number;
}

/** `GET /api/v1/user/audit-events` (§5). */
export interface AuditEvent {
  id: string;
  action: string;
  actor: {
    type: 'user' | 'api_key' | 'operator' | 'secret_scanning' | 'system';
    id: string | null;
  };
  target: { type: string; id: string } | null;
  businessId: string | null;
  ip: string | null;
  userAgent: string | null;
  at: string;
  details: Record<string, unknown>;
}

export interface AuditEventListParams {
  limit?: number;
  action?: string;
  actorId?: string;
  targetId?: string;
  businessId?: string;
  since?: string;
  until?: string;
}
