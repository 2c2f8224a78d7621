import { PageIterator } from '../pagination.js';
import type {
  ApiKeyRoll,
  ApiKeyUpdate,
  ApiKeyUsageDay,
  AuditEvent,
  AuditEventListParams,
  RevokedApiKey,
  RolledApiKey,
} from '../pending-types.js';
import type { Transport } from '../transport.js';
import type {
  ApiKey,
  ApiKeyCreate,
  ApiKeyListParams,
  Billing,
  ClientToken,
  ClientTokenCreate,
  CreatedApiKey,
  Page,
  UsageListParams,
  UsageRecord,
  User,
  UserUpdate,
  Whitelabel,
  WhitelabelUpdate,
} from '../types.js';
import type { IdempotentOptions } from './calls.js';
import { newIdempotencyKey, seg } from './paths.js';

const KEYS = '/api/v1/user/api-keys';

/** The account behind the credential. Every route needs a key with user management. */
export class UserResource {
  constructor(private readonly http: Transport) {}

  retrieve(): Promise<User> {
    return this.http.request('GET', '/api/v1/user');
  }

  update(body: UserUpdate): Promise<User> {
    return this.http.request('PATCH', '/api/v1/user', { body });
  }

  /** Plan, credit balance and the current period's usage. */
  billing(): Promise<Billing> {
    return this.http.request('GET', '/api/v1/user/billing');
  }

  usage(params: UsageListParams = {}): PageIterator<UsageRecord> {
    return new PageIterator((cursor) =>
      this.http.request<Page<UsageRecord>>('GET', '/api/v1/user/usage', {
        query: { ...params, cursor },
      }),
    );
  }

  readonly whitelabel = {
    retrieve: (): Promise<Whitelabel> => this.http.request('GET', '/api/v1/user/whitelabel'),
    update: (body: WhitelabelUpdate): Promise<Whitelabel> =>
      this.http.request('PUT', '/api/v1/user/whitelabel', { body }),
  };
}

export class ApiKeys {
  constructor(private readonly http: Transport) {}

  list(params: ApiKeyListParams = {}): PageIterator<ApiKey> {
    return new PageIterator((cursor) =>
      this.http.request<Page<ApiKey>>('GET', KEYS, { query: { ...params, cursor } }),
    );
  }

  /**
   * Creates a key; the answer's `key` is shown only this once. Sends an `Idempotency-Key` so a
   * retry never makes a second key.
   */
  create(body: ApiKeyCreate, options: IdempotentOptions = {}): Promise<CreatedApiKey> {
    return this.http.request('POST', KEYS, {
      body,
      idempotencyKey: options.idempotencyKey ?? newIdempotencyKey(),
    });
  }

  retrieve(keyId: string): Promise<ApiKey> {
    return this.http.request('GET', `${KEYS}/${seg(keyId)}`);
  }

  /**
   * Revokes a key (it stays listed, `status: "revoked"`). `cascade` also revokes every key made or
   * rolled through it (API.md §5; the server accepts it once key lifecycle lands).
   */
  revoke(keyId: string, options: { cascade?: boolean } = {}): Promise<RevokedApiKey> {
    return this.http.request('DELETE', `${KEYS}/${seg(keyId)}`, {
      query: options.cascade ? { cascade: true } : undefined,
    });
  }

  /** `PATCH …/api-keys/:keyId` (API.md §5). **Route not served yet.** */
  update(keyId: string, body: ApiKeyUpdate): Promise<ApiKey> {
    return this.http.request('PATCH', `${KEYS}/${seg(keyId)}`, { body });
  }

  /**
   * Rotation with overlap (API.md §5). Sends an `Idempotency-Key`, so a retry returns the same new
   * key. **Route not served yet.**
   */
  roll(
    keyId: string,
    body: ApiKeyRoll = {},
    options: IdempotentOptions = {},
  ): Promise<RolledApiKey> {
    return this.http.request('POST', `${KEYS}/${seg(keyId)}/roll`, {
      body,
      idempotencyKey: options.idempotencyKey ?? newIdempotencyKey(),
    });
  }

  /** Requests per UTC day, oldest first (API.md §5). **Route not served yet.** */
  usage(keyId: string, params: { days?: number } = {}): Promise<{ data: ApiKeyUsageDay[] }> {
    return this.http.request('GET', `${KEYS}/${seg(keyId)}/usage`, { query: params });
  }

  /** Refuses every client token minted from this key so far (API.md §7); the key keeps working. */
  revokeClientTokens(keyId: string): Promise<ApiKey> {
    return this.http.request('POST', `${KEYS}/${seg(keyId)}/revoke-client-tokens`);
  }
}

/** The account's audit log, newest first (API.md §5). **Route not served yet.** */
export class AuditEvents {
  constructor(private readonly http: Transport) {}

  list(params: AuditEventListParams = {}): PageIterator<AuditEvent> {
    return new PageIterator((cursor) =>
      this.http.request<Page<AuditEvent>>('GET', '/api/v1/user/audit-events', {
        query: { ...params, cursor },
      }),
    );
  }
}

/** Short-lived `iqra_ct_` tokens for one browser and one business (API.md §7). */
export class ClientTokens {
  constructor(private readonly http: Transport) {}

  /** Mints a token with an API key. Sends an `Idempotency-Key`, so a retry returns the same token. */
  create(body: ClientTokenCreate, options: IdempotentOptions = {}): Promise<ClientToken> {
    return this.http.request('POST', '/api/v1/client-tokens', {
      body,
      idempotencyKey: options.idempotencyKey ?? newIdempotencyKey(),
    });
  }
}
