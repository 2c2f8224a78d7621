import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'iqra-config-'));
const secret = 's'.repeat(40);

describe('config', () => {
  it('has the documented defaults', () => {
    const cwd = tmp();
    const config = loadConfig({}, cwd);
    expect(config).toMatchObject({
      env: 'development',
      port: 3000,
      host: '0.0.0.0',
      database: { kind: 'sqlite', path: join(cwd, 'data/iqra.db') },
      redisUrl: undefined,
      rateLimitPerMinute: 60,
      logLevel: 'info',
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('generates development secrets once, into ./data, readable only by the owner', () => {
    const cwd = tmp();
    const first = loadConfig({}, cwd);
    const second = loadConfig({}, cwd);
    expect(first.pepper).toBe(second.pepper);
    expect(first.sessionSecret).toBe(second.sessionSecret);
    expect(first.pepper).not.toBe(first.sessionSecret);
    const file = join(cwd, 'data/secrets.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toContain(first.pepper);
  });

  it('refuses to start in production without the secrets, saying which', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' }, tmp())).toThrow(
      /IQRA_PEPPER and SESSION_SECRET must be set when NODE_ENV=production/,
    );
    expect(() => loadConfig({ NODE_ENV: 'production', IQRA_PEPPER: secret }, tmp())).toThrow(
      /^SESSION_SECRET must be set/,
    );
    const config = loadConfig(
      { NODE_ENV: 'production', IQRA_PEPPER: secret, SESSION_SECRET: `${secret}x` },
      tmp(),
    );
    expect(config.pepper).toBe(secret);
  });

  it('refuses short secrets', () => {
    expect(() => loadConfig({ IQRA_PEPPER: 'short', SESSION_SECRET: secret }, tmp())).toThrow(
      /IQRA_PEPPER must be at least 32/,
    );
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT must be an integer/],
    [{ PORT: '70000' }, /PORT/],
    [{ RATE_LIMIT_PER_MINUTE: '0' }, /RATE_LIMIT_PER_MINUTE/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL must be sqlite:PATH or postgres/],
    [{ NODE_ENV: 'staging' }, /NODE_ENV/],
    [{ TRUST_PROXY: 'maybe' }, /TRUST_PROXY/],
  ])('explains a bad value: %j', (env, message) => {
    expect(() =>
      loadConfig({ IQRA_PEPPER: secret, SESSION_SECRET: secret, ...env }, tmp()),
    ).toThrow(ConfigError);
    expect(() =>
      loadConfig({ IQRA_PEPPER: secret, SESSION_SECRET: secret, ...env }, tmp()),
    ).toThrow(message);
  });

  it('turns the secret scanning endpoint on with SECRET_SCANNING_KEYS_FILE, relative to cwd', () => {
    const cwd = tmp();
    const env = { IQRA_PEPPER: secret, SESSION_SECRET: secret };
    expect(loadConfig(env, cwd).secretScanningKeysFile).toBeUndefined();
    expect(
      loadConfig({ ...env, SECRET_SCANNING_KEYS_FILE: 'keys/github.json' }, cwd)
        .secretScanningKeysFile,
    ).toBe(join(cwd, 'keys/github.json'));
  });

  it('reads the database URL', () => {
    const env = { IQRA_PEPPER: secret, SESSION_SECRET: secret };
    expect(loadConfig({ ...env, DATABASE_URL: 'postgres://u@h/db' }, tmp()).database).toEqual({
      kind: 'postgres',
      url: 'postgres://u@h/db',
    });
    expect(loadConfig({ ...env, DATABASE_URL: 'sqlite::memory:' }, tmp()).database).toEqual({
      kind: 'sqlite',
      path: ':memory:',
    });
  });
});

describe('metrics config', () => {
  const dir = () => mkdtempSync(join(tmpdir(), 'iqra-config-'));
  it('is off by default; the port listener binds to loopback unless METRICS_HOST says otherwise', () => {
    const config = loadConfig({}, dir());
    expect(config).toMatchObject({
      metricsToken: undefined,
      metricsPort: undefined,
      metricsHost: '127.0.0.1',
    });
    expect(loadConfig({ METRICS_PORT: '9464' }, dir()).metricsPort).toBe(9464);
  });
  it('refuses a short token and a port out of range', () => {
    expect(() => loadConfig({ METRICS_TOKEN: 'short' }, dir())).toThrow(ConfigError);
    expect(() => loadConfig({ METRICS_PORT: '70000' }, dir())).toThrow(ConfigError);
  });
});
