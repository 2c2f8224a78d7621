import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { listAuditEvents } from './audit/repo.js';
import { toAuditView } from './audit/service.js';
import { systemActor } from './auth/actor.js';
import { listBusinesses } from './businesses/repo.js';
import { buildServices } from './compose.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import { openStore, type Store } from './db/connect.js';
import { migrateToLatest } from './db/migrations/index.js';
import { ApiError } from './http/errors.js';
import { findApiKeyById, listApiKeys } from './keys/repo.js';
import { runScan, scanLookups } from './leaks/scan-command.js';

const USAGE = `iqra — the Iqra server and its operator tools

Usage:
  iqra serve                                   start the server (migrates first)
  iqra migrate                                 bring the database schema up to date
  iqra users create --email E --name N [--password-stdin]
  iqra users disable|enable --user EMAIL|usr_…
  iqra businesses create --user EMAIL|usr_… --name N
  iqra businesses list --user EMAIL|usr_…
  iqra keys create --user EMAIL|usr_… --name N [--business biz_…]… [--user-management]
                   [--expires-at ISO-8601] [--rate-limit N]
  iqra keys list --user EMAIL|usr_…
  iqra keys revoke key_…
  iqra billing credit --user EMAIL|usr_… --minutes N
  iqra billing show --user EMAIL|usr_…
  iqra scan [PATH…] [--check] [--revoke] [--json]
                   find iqra_sk_/iqra_ct_ secrets in files (masked); exit 1 when a key is found;
                   --check looks each key up, --revoke revokes it as leaked (with descendants)
  iqra audit list [--user EMAIL|usr_…] [--action A] [--json]
                                               the newest 100 audit events (all accounts
                                               without --user), one per line or as JSON

Configuration comes from the environment (DATABASE_URL, IQRA_PEPPER, …; see README).
A new key is printed once, alone on stdout; it cannot be shown again.`;

const OPTIONS = {
  email: { type: 'string' },
  name: { type: 'string' },
  user: { type: 'string' },
  business: { type: 'string', multiple: true },
  'user-management': { type: 'boolean' },
  'expires-at': { type: 'string' },
  'rate-limit': { type: 'string' },
  minutes: { type: 'string' },
  'password-stdin': { type: 'boolean' },
  check: { type: 'boolean' },
  revoke: { type: 'boolean' },
  action: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<
  typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>
>['values'];

class UsageError extends Error {}

/** Runs one `iqra` command; resolves to the process exit code. */
export async function runCli(argv: string[]): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: OPTIONS,
      allowPositionals: true,
    });
    const [command, action, ...rest] = positionals;
    if (values.help || !command) {
      process.stdout.write(`${USAGE}\n`);
      return command || values.help ? 0 : 2;
    }
    const scan = command === 'scan' && {
      paths: [action, ...rest].filter((p) => p !== undefined),
      output: { json: values.json === true, out: print, err: note },
    };
    // A plain scan needs no database, so it runs anywhere (a pre-commit hook) without config.
    if (scan && !values.check && !values.revoke) return await runScan(scan.paths, scan.output);
    const config = loadConfig();
    if (command === 'serve') {
      // Loaded only here: operator commands start fast without the HTTP stack.
      const { serve } = await import('./main.js');
      await serve(config);
      return -1; // keeps running
    }
    const store = openStore(config.database);
    try {
      await migrateToLatest(store);
      if (command === 'migrate') {
        process.stderr.write('Database schema is up to date.\n');
        return 0;
      }
      if (scan) {
        const lookups = scanLookups(buildServices(config, store).leaks, values);
        return await runScan(scan.paths, { ...scan.output, ...lookups });
      }
      await operatorCommand(store, config, `${command} ${action ?? ''}`.trim(), values, rest);
      return 0;
    } finally {
      await store.close();
    }
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError || error instanceof ApiError) {
      process.stderr.write(`iqra: ${error.message}\n`);
      return error instanceof UsageError ? 2 : 1;
    }
    if (
      error instanceof TypeError &&
      'code' in error &&
      String(error.code).startsWith('ERR_PARSE_ARGS')
    ) {
      process.stderr.write(`iqra: ${error.message}\n\n${USAGE}\n`);
      return 2;
    }
    throw error;
  }
}

async function operatorCommand(
  store: Store,
  config: Config,
  command: string,
  values: Values,
  positionals: string[],
): Promise<void> {
  const db = store.db;
  // Nothing is started: the server learns of changes through the invalidation table.
  const { users, keys, businesses, billing } = buildServices(config, store);
  // The audit log's `operator`: no request, so no address or user agent.
  const operator = systemActor('cli');
  const user = async () => {
    const ref = required(values.user, '--user');
    const found = await users.findByEmailOrId(ref);
    if (!found) throw new UsageError(`No user ${ref}.`);
    return found;
  };

  switch (command) {
    case 'users create': {
      const password = values['password-stdin']
        ? (await readStdin()).replace(/\r?\n$/, '')
        : undefined;
      if (password !== undefined && password.length < 8) {
        throw new UsageError('The password must be at least 8 characters.');
      }
      const created = await users.create(
        {
          email: required(values.email, '--email'),
          name: values.name ?? required(values.email, '--email'),
          password,
        },
        operator,
      );
      print(created.id);
      note(
        `Created user ${created.id} <${created.email}>${password ? '' : ' (no password: API keys only)'}.`,
      );
      return;
    }
    case 'users disable':
    case 'users enable': {
      const target = await user();
      await users.setDisabled(target.id, command === 'users disable', operator);
      note(`${command === 'users disable' ? 'Disabled' : 'Enabled'} ${target.id}.`);
      return;
    }
    case 'businesses create': {
      const owner = await user();
      const row = await businesses.create(
        owner.id,
        { name: required(values.name, '--name') },
        operator,
      );
      print(row.id);
      return;
    }
    case 'businesses list': {
      const owner = await user();
      for (const b of await listBusinesses(db, { ownerId: owner.id, limit: 1000 })) {
        print(`${b.id}\t${b.disabled ? 'disabled' : 'active'}\t${b.name}`);
      }
      return;
    }
    case 'keys create': {
      const owner = await user();
      const businessIds = values.business ?? [];
      const rateLimit = values['rate-limit'];
      const created = await keys.create(
        { userId: owner.id, actor: operator, createdBy: 'operator' },
        {
          name: required(values.name, '--name'),
          businessScope:
            businessIds.length > 0 ? { type: 'restricted', businessIds } : { type: 'unrestricted' },
          userManagement: values['user-management'] === true,
          expiresAt: values['expires-at'],
          rateLimitPerMinute:
            rateLimit === undefined ? undefined : positiveInteger(rateLimit, '--rate-limit'),
        },
      );
      print(created.key);
      note(
        `Created ${created.view.id} "${created.view.name}" (${businessIds.length > 0 ? `businesses: ${businessIds.join(', ')}` : 'all businesses'}; user management ${created.view.userManagement ? 'on' : 'off'}).\nStore the key now: it will not be shown again.`,
      );
      return;
    }
    case 'keys list': {
      const owner = await user();
      const rows = await listApiKeys(db, {
        userId: owner.id,
        now: new Date().toISOString(),
        limit: 1000,
      });
      for (const row of rows) {
        const v = keys.toView(row);
        const scope =
          v.businessScope.type === 'unrestricted' ? 'all' : v.businessScope.businessIds.join(',');
        print(
          [
            v.id,
            v.status,
            `${v.prefix}…${v.lastFour}`,
            scope,
            v.userManagement ? 'user-mgmt' : '-',
            v.name,
          ].join('\t'),
        );
      }
      return;
    }
    case 'keys revoke': {
      const keyId = required(positionals[0], 'the key id (key_…)');
      const row = await findApiKeyById(db, keyId);
      if (!row) throw new UsageError(`No key ${keyId}.`);
      const view = await keys.revoke({ userId: row.user_id }, keyId, operator);
      note(`Revoked ${view.id} "${view.name}" at ${view.revokedAt}.`);
      return;
    }
    case 'billing credit': {
      const target = await user();
      const minutes = positiveInteger(required(values.minutes, '--minutes'), '--minutes');
      const balance = await billing.credit(target.id, minutes, operator);
      print(String(balance));
      note(`Added ${minutes} minutes to ${target.id}; the balance is ${balance} minutes.`);
      return;
    }
    case 'billing show': {
      const view = await billing.summary((await user()).id);
      print(
        [
          view.plan,
          `${view.creditMinutes} minutes left`,
          `${view.currentPeriod.calls} calls / ${view.currentPeriod.minutes} minutes this month`,
        ].join('\t'),
      );
      return;
    }
    case 'audit list': {
      const owner = values.user === undefined ? undefined : await user();
      const rows = await listAuditEvents(db, {
        userId: owner?.id,
        action: values.action,
        limit: 100,
      });
      const events = rows.map(toAuditView);
      if (values.json) {
        print(JSON.stringify(events, null, 2));
        return;
      }
      for (const e of events) {
        const actor = e.actor.id ? `${e.actor.type}:${e.actor.id}` : e.actor.type;
        const target = e.target ? `${e.target.type}:${e.target.id}` : '-';
        print([e.at, e.action, actor, target, e.businessId ?? '-', e.ip ?? '-'].join('\t'));
      }
      return;
    }
    default:
      throw new UsageError(`Unknown command "${command}".\n\n${USAGE}`);
  }
}

function required(value: string | undefined, name: string): string {
  if (!value) throw new UsageError(`Missing ${name}.`);
  return value;
}

function positiveInteger(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} must be a positive integer.`);
  return n;
}

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

function note(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(entry)).href;
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  runCli(process.argv.slice(2)).then(
    (code) => {
      if (code >= 0) process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`iqra: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
