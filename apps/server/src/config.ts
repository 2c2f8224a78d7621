import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { dirname, join, resolve } from 'node:path';

/** The frozen, validated configuration. Nothing reads `process.env` after `loadConfig`. */
export interface Config {
  readonly env: 'development' | 'production' | 'test';
  readonly port: number;
  readonly host: string;
  readonly database: DatabaseConfig;
  readonly redisUrl: string | undefined;
  /** HMAC key for API key hashes. */
  readonly pepper: string;
  /** Signs session cookies, CSRF tokens and pagination cursors. */
  readonly sessionSecret: string;
  readonly rateLimitPerMinute: number;
  /** Failed authentications per client IP per minute before 429. */
  readonly authFailuresPerMinute: number;
  /** Failed logins per email, and per client IP, in 15 minutes before 429. */
  readonly loginFailuresPerEmail: number;
  readonly loginFailuresPerIp: number;
  readonly logLevel: string;
  /**
   * Which peers may set `X-Forwarded-For`/`-Proto`: none (false), the nearest N hops, or these
   * proxy addresses/CIDRs. Never "any": that would let a client choose its own address.
   */
  readonly trustProxy: TrustProxy;
  readonly bodyLimitBytes: number;
  /** Folder of the built dashboard, served at `/` when it exists. */
  readonly dashboardDir: string | undefined;
  /** Call credit every new account starts with, in minutes. */
  readonly freeCreditMinutes: number;
  /** Calls of one business ringing or in progress at once; more wait in the queue. */
  readonly callConcurrencyPerBusiness: number;
  /**
   * The longest a call may last, in minutes: each accepted call holds this much credit until it
   * ends, and the carrier is told to hang up by then.
   */
  readonly callMaxMinutes: number;
  /**
   * How long a dispatcher's claim on a call lasts unrenewed (a heartbeat renews it every third
   * of that): a node that dies has its calls taken over within about this long. Shorter means
   * faster takeover but more renewal writes, and a node stalled (GC, database) for two thirds of
   * it loses its calls to another node, which resumes them (never dials them again). 2–3600.
   */
  readonly callLeaseSeconds: number;
  /** Simulator clock: 1 = realistic seconds, 0.01 = a hundred times faster. */
  readonly simulatorTimeScale: number;
  /** Delivery attempts per webhook event before it is marked failed. */
  readonly webhookMaxAttempts: number;
  /** Base URL the outside world reaches this server at (Twilio status callbacks). */
  readonly publicUrl: string;
  /** Where the Twilio client sends requests; unset means Twilio itself. */
  readonly twilioApiBaseUrl: string | undefined;
  /** Exact origins whose pages may call `/api/v1` with a client token (CORS, never cookies). */
  readonly corsOrigins: readonly string[];
  /**
   * The secret scanning partner's public keys (GitHub's JSON shape); unset, the partner endpoint
   * answers 404.
   */
  readonly secretScanningKeysFile: string | undefined;
  /** `/metrics` on the API port behind `Authorization: Bearer` of this token; unset: off there. */
  readonly metricsToken: string | undefined;
  /** `/metrics` on its own port (no token), bound to `metricsHost`; unset: no such listener. */
  readonly metricsPort: number | undefined;
  readonly metricsHost: string;
  /**
   * Keys remembered between requests (the key cache, about 450 bytes each): a key in use that
   * fits is verified with no I/O; past it, the least recently used ones are read again.
   */
  readonly keyCacheSize: number;
  /**
   * Rate-limit windows kept per budget in memory (about 150 bytes each): past it, the oldest
   * window is dropped. Without Redis, this bounds what a flood of distinct keys or addresses costs.
   */
  readonly rateLimitMaxKeys: number;
}

export type TrustProxy = false | number | string[];

export type DatabaseConfig =
  | { readonly kind: 'sqlite'; readonly path: string }
  | { readonly kind: 'postgres'; readonly url: string; readonly schema?: string };

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const SECRET_MIN_LENGTH = 32;

type Env = Record<string, string | undefined>;

/**
 * Parses the environment once. In development a missing pepper or session secret is generated
 * once and kept in `./data/secrets.json` (git-ignored); in production a missing one is an error.
 */
export function loadConfig(env: Env = process.env, cwd = process.cwd()): Config {
  const nodeEnv = parseNodeEnv(env.NODE_ENV);
  const database = parseDatabaseUrl(env.DATABASE_URL ?? 'sqlite:./data/iqra.db', cwd);
  const production = nodeEnv === 'production';

  let pepper = env.IQRA_PEPPER;
  let sessionSecret = env.SESSION_SECRET;
  if (production) {
    const missing = [!pepper && 'IQRA_PEPPER', !sessionSecret && 'SESSION_SECRET'].filter(Boolean);
    if (missing.length > 0) {
      throw new ConfigError(
        `${missing.join(' and ')} must be set when NODE_ENV=production (at least ${SECRET_MIN_LENGTH} characters each; generate one with: openssl rand -base64 48).`,
      );
    }
  } else if (!pepper || !sessionSecret) {
    const generated = developmentSecrets(join(cwd, 'data'));
    pepper ??= generated.pepper;
    sessionSecret ??= generated.sessionSecret;
  }
  // Both are defined here: production threw above, development filled them in.
  const secrets = { IQRA_PEPPER: pepper ?? '', SESSION_SECRET: sessionSecret ?? '' };
  for (const [name, value] of Object.entries(secrets)) {
    if (value.length < SECRET_MIN_LENGTH) {
      throw new ConfigError(`${name} must be at least ${SECRET_MIN_LENGTH} characters long.`);
    }
  }

  const logLevel = env.LOG_LEVEL ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}; got "${logLevel}".`);
  }

  const port = parseInteger('PORT', env.PORT, 3000, 0, 65535);
  return Object.freeze({
    env: nodeEnv,
    port,
    host: env.HOST ?? '0.0.0.0',
    database,
    redisUrl: env.REDIS_URL || undefined,
    pepper: secrets.IQRA_PEPPER,
    sessionSecret: secrets.SESSION_SECRET,
    rateLimitPerMinute: parseInteger(
      'RATE_LIMIT_PER_MINUTE',
      env.RATE_LIMIT_PER_MINUTE,
      60,
      1,
      1_000_000,
    ),
    authFailuresPerMinute: parseInteger(
      'AUTH_FAILURES_PER_MINUTE',
      env.AUTH_FAILURES_PER_MINUTE,
      100,
      1,
      1_000_000,
    ),
    loginFailuresPerEmail: parseInteger(
      'LOGIN_FAILURES_PER_EMAIL',
      env.LOGIN_FAILURES_PER_EMAIL,
      10,
      1,
      1_000_000,
    ),
    loginFailuresPerIp: parseInteger(
      'LOGIN_FAILURES_PER_IP',
      env.LOGIN_FAILURES_PER_IP,
      100,
      1,
      1_000_000,
    ),
    logLevel,
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    bodyLimitBytes: parseInteger('BODY_LIMIT_BYTES', env.BODY_LIMIT_BYTES, 100 * 1024, 1024, 10e6),
    dashboardDir: env.DASHBOARD_DIR ? resolve(cwd, env.DASHBOARD_DIR) : undefined,
    freeCreditMinutes: parseInteger('FREE_CREDIT_MINUTES', env.FREE_CREDIT_MINUTES, 60, 0, 1e7),
    callConcurrencyPerBusiness: parseInteger(
      'CALL_CONCURRENCY_PER_BUSINESS',
      env.CALL_CONCURRENCY_PER_BUSINESS,
      5,
      1,
      10_000,
    ),
    callMaxMinutes: parseInteger('CALL_MAX_MINUTES', env.CALL_MAX_MINUTES, 10, 1, 1440),
    callLeaseSeconds: parseInteger('CALL_LEASE_SECONDS', env.CALL_LEASE_SECONDS, 8, 2, 3600),
    simulatorTimeScale: parseScale('SIMULATOR_TIME_SCALE', env.SIMULATOR_TIME_SCALE, 1),
    webhookMaxAttempts: parseInteger('WEBHOOK_MAX_ATTEMPTS', env.WEBHOOK_MAX_ATTEMPTS, 8, 1, 50),
    publicUrl: parseBaseUrl('PUBLIC_URL', env.PUBLIC_URL) ?? `http://localhost:${port}`,
    twilioApiBaseUrl: parseBaseUrl('TWILIO_API_BASE_URL', env.TWILIO_API_BASE_URL),
    corsOrigins: parseCorsOrigins(env.CORS_ORIGINS),
    secretScanningKeysFile: env.SECRET_SCANNING_KEYS_FILE
      ? resolve(cwd, env.SECRET_SCANNING_KEYS_FILE)
      : undefined,
    metricsToken: parseMetricsToken(env.METRICS_TOKEN),
    metricsPort: env.METRICS_PORT
      ? parseInteger('METRICS_PORT', env.METRICS_PORT, 0, 1, 65535)
      : undefined,
    metricsHost: env.METRICS_HOST || '127.0.0.1',
    keyCacheSize: parseInteger('KEY_CACHE_SIZE', env.KEY_CACHE_SIZE, 10_000, 100, 10_000_000),
    rateLimitMaxKeys: parseInteger(
      'RATE_LIMIT_MAX_KEYS',
      env.RATE_LIMIT_MAX_KEYS,
      500_000,
      1_000,
      100_000_000,
    ),
  });
}

/** A bearer token a scraper sends; short ones could be guessed. */
function parseMetricsToken(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (value.length < 16)
    throw new ConfigError('METRICS_TOKEN must be at least 16 characters long.');
  return value;
}

function parseNodeEnv(value: string | undefined): Config['env'] {
  if (value === undefined || value === '' || value === 'development') return 'development';
  if (value === 'production' || value === 'test') return value;
  throw new ConfigError(`NODE_ENV must be development, production or test; got "${value}".`);
}

export function parseDatabaseUrl(url: string, cwd = process.cwd()): DatabaseConfig {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    if (path === '') throw new ConfigError('DATABASE_URL=sqlite:PATH needs a path.');
    return { kind: 'sqlite', path: path === ':memory:' ? path : resolve(cwd, path) };
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    // `?schema=NAME` is ours, not libpq's: it becomes the search_path, so several servers (or
    // test runs) can share one database in separate schemas.
    const parsed = new URL(url);
    const schema = parsed.searchParams.get('schema');
    if (schema === null) return { kind: 'postgres', url };
    if (!/^[a-z_][a-z0-9_]*$/.test(schema)) {
      throw new ConfigError(
        `DATABASE_URL ?schema= must be a lower-case SQL identifier; got "${schema}".`,
      );
    }
    parsed.searchParams.delete('schema');
    return { kind: 'postgres', url: parsed.toString(), schema };
  }
  throw new ConfigError('DATABASE_URL must be sqlite:PATH or postgres://…');
}

function parseInteger(
  name: string,
  value: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}; got "${value}".`);
  }
  return n;
}

/** A positive factor, such as a time scale. */
function parseScale(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 100) {
    throw new ConfigError(`${name} must be a number above 0 and at most 100; got "${value}".`);
  }
  return n;
}

/** An http(s) base URL without a trailing slash. */
function parseBaseUrl(name: string, value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${name} must be an http(s) URL; got "${value}".`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`${name} must be an http(s) URL; got "${value}".`);
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

/**
 * The `trustProxy` option for Fastify. A hop count becomes a function: Fastify 5 reads a bare
 * number as "trust nobody" because it cannot tell whether the peer is the proxy. A hop count is
 * therefore only for a server reachable solely through its proxies; the address list is safer.
 */
export function fastifyTrustProxy(
  trustProxy: TrustProxy,
): false | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trustProxy !== 'number') return trustProxy;
  const hops = trustProxy;
  return (_address, hop) => hop < hops;
}

const TRUST_PROXY_HELP =
  'TRUST_PROXY must be the number of proxies in front of the server (e.g. 1 behind one load balancer) or a comma list of their addresses or CIDRs (e.g. 10.0.0.0/8,127.0.0.1)';
/** proxy-addr's names for loopback, link-local and unique-local ranges. */
const PROXY_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/**
 * `TRUST_PROXY`: a hop count or a list of proxy addresses. `true` is refused, because trusting
 * every hop takes the leftmost `X-Forwarded-For` entry, which the client writes itself (per-IP
 * throttles would be bypassed by sending the header); so are `0.0.0.0/0` and `::/0`.
 */
export function parseTrustProxy(value: string | undefined): TrustProxy {
  const text = (value ?? '').trim();
  if (['', '0', 'false', 'no'].includes(text.toLowerCase())) return false;
  if (['true', 'yes', 'on', 'all', '*'].includes(text.toLowerCase())) {
    throw new ConfigError(
      `${TRUST_PROXY_HELP}; "${text}" would trust any X-Forwarded-For, so a client could choose its own address.`,
    );
  }
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    if (hops > 10) throw new ConfigError(`${TRUST_PROXY_HELP}; ${hops} hops is not plausible.`);
    return hops;
  }
  const entries = text.split(',').map((entry) => entry.trim());
  for (const entry of entries) {
    if (PROXY_RANGE_NAMES.includes(entry)) continue;
    const [address = '', prefix, ...rest] = entry.split('/');
    const family = isIP(address);
    const bits = family === 4 ? 32 : 128;
    const prefixOk =
      prefix === undefined ||
      (/^\d+$/.test(prefix) && Number(prefix) >= 1 && Number(prefix) <= bits);
    if (family === 0 || rest.length > 0 || !prefixOk) {
      throw new ConfigError(`${TRUST_PROXY_HELP}; "${entry}" is not an address or CIDR.`);
    }
  }
  return entries;
}

/**
 * `CORS_ORIGINS`: comma-separated exact origins (`https://app.example.com`). `*` and `null` are
 * refused: either would let any page (or any sandboxed frame) read answers meant for one app.
 */
export function parseCorsOrigins(value: string | undefined): readonly string[] {
  const text = (value ?? '').trim();
  if (text === '') return Object.freeze([]);
  const origins = text.split(',').map((entry) => entry.trim());
  for (const origin of origins) {
    if (origin === '*' || origin.toLowerCase() === 'null') {
      throw new ConfigError(
        `CORS_ORIGINS lists exact origins; "${origin}" would let any page read the API's answers.`,
      );
    }
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !['http:', 'https:'].includes(parsed.protocol) || parsed.origin !== origin) {
      throw new ConfigError(
        `CORS_ORIGINS: "${origin}" is not an exact origin such as https://app.example.com (scheme, host and port only, no path or trailing slash).`,
      );
    }
  }
  return Object.freeze([...new Set(origins)]);
}

interface DevelopmentSecrets {
  pepper: string;
  sessionSecret: string;
}

/** Generated on first start and reused, so keys and sessions survive a restart in development. */
function developmentSecrets(dataDir: string): DevelopmentSecrets {
  const file = join(dataDir, 'secrets.json');
  if (existsSync(file)) {
    // Owner-only even when an older version or a copy left it readable by others.
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    const stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<DevelopmentSecrets>;
    if (stored.pepper && stored.sessionSecret) {
      return { pepper: stored.pepper, sessionSecret: stored.sessionSecret };
    }
  }
  const secrets = {
    pepper: randomBytes(32).toString('base64url'),
    sessionSecret: randomBytes(32).toString('base64url'),
  };
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return secrets;
}
