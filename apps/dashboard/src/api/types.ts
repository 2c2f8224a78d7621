/** The API shapes the dashboard reads, as `docs/API.md` pins them. */

export interface User {
  id: string;
  email: string;
  name: string;
  createdAt: string;
}

export interface Session {
  user: User;
  csrfToken: string;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export interface Business {
  id: string;
  name: string;
  defaultLanguage: string;
  timezone: string;
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export type BusinessScope =
  | { type: 'unrestricted' }
  | { type: 'restricted'; businessIds: string[] };

export type KeyStatus = 'active' | 'revoked' | 'expired';

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  lastFour: string;
  businessScope: BusinessScope;
  userManagement: boolean;
  rateLimitPerMinute?: number;
  status: KeyStatus;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

/** The create answer: the key object plus the secret, shown once. */
export interface CreatedApiKey extends ApiKey {
  key: string;
}

export interface CreateApiKeyBody {
  name: string;
  businessScope: BusinessScope;
  userManagement: boolean;
  expiresAt: string | null;
}

export interface Whitelabel {
  brandName: string | null;
  logoUrl: string | null;
  primaryColor: string | null;
  supportEmail: string | null;
  customDomain: string | null;
  updatedAt?: string | null;
}

export interface FieldError {
  path: string;
  message: string;
  in?: string;
}
