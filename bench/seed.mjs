// Seeds the benchmark's store through the API and the CLI, and the 10,000 conversations in bulk
// with SQL (copies of one real call and its conversation, marked ended), not one API call each.
// Works on both engines: `store` comes from stores.mjs (profile.mjs still passes a SQLite path).
import { execFileSync } from 'node:child_process';
import SQLite from 'better-sqlite3';
import { SERVER_CLI } from './lib.mjs';
import { withRaw } from './stores.mjs';

export async function seed({ origin, env, dbPath, store, conversations = 10_000 }) {
  const account = await seedAccount({ origin, env });
  const call = await account.post(
    `/api/v1/businesses/${account.businessId}/calls`,
    account.callBody,
    account.tokenHeaders,
  );
  const target = store ?? { engine: 'sqlite', raw: async () => new SQLite(dbPath) };
  await copyCalls(target, call.id, conversations);
  return account;
}

/**
 * A user (signed up through the API: its session can call every route), a business, an
 * unrestricted key, an agent and enough credit (through `iqra billing credit`) that every call
 * the benchmark places is accepted.
 */
export async function seedAccount({ origin, env, email = 'bench@example.com' }) {
  const signup = await fetch(`${origin}/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'a long password', name: 'Bench' }),
  });
  if (!signup.ok) throw new Error(`signup: ${signup.status} ${await signup.text()}`);
  const cookie = signup.headers.get('set-cookie').split(';')[0];
  const { csrfToken, user } = await signup.json();
  const session = { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' };
  const post = async (path, body, headers = session, base = origin) => {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const business = await post('/api/v1/businesses', { name: 'Bench' });
  const created = await post('/api/v1/user/api-keys', {
    name: 'bench',
    businessScope: { type: 'unrestricted' },
  });
  const agent = await post(`/api/v1/businesses/${business.id}/agents`, {
    name: 'Bench agent',
    greeting: 'Hello from the benchmark.',
  });
  execFileSync(
    process.execPath,
    [SERVER_CLI, 'billing', 'credit', '--user', email, '--minutes', '100000000'],
    { env, stdio: 'ignore' },
  );
  return {
    userId: user.id,
    businessId: business.id,
    key: created.key,
    keyId: created.id,
    session,
    post,
    tokenHeaders: { authorization: `Token ${created.key}`, 'content-type': 'application/json' },
    callBody: { agentId: agent.id, to: '+15005550006' },
  };
}

// Copies are ended (completed, unclaimed): copied as they were, they would be 10,000 calls
// "ringing" under this server's lease, which the dispatcher takes over 30 s later.
const ENDED_CALL = {
  status: "'completed'",
  ended_reason: "'agent_hangup'",
  claimed_by: 'null',
  lease_until: 'null',
  dialed_at: '"created_at"',
  answered_at: '"created_at"',
  ended_at: '"created_at"',
  duration_seconds: '30',
};
const ENDED_CONVERSATION = {
  status: "'completed'",
  ended_reason: "'agent_hangup'",
  answered_at: '"started_at"',
  ended_at: '"started_at"',
  duration_seconds: '30',
};

/** `n` copies of the call and its conversation, in one transaction of two INSERT … SELECTs. */
async function copyCalls(store, callId, n) {
  const sqlite = store.engine === 'sqlite';
  const param = sqlite ? '?' : '$1';
  // Ids shaped like the server's (prefix + 26 Crockford characters), older than any real one.
  const id = (prefix) =>
    sqlite
      ? `'${prefix}_00bench' || printf('%019d', i)`
      : `'${prefix}_00bench' || lpad(i::text, 19, '0')`;
  const numbers = sqlite
    ? `with recursive n(i) as (select 1 union all select i + 1 from n where i < ${n})`
    : '';
  const series = sqlite ? 'n' : `generate_series(1, ${n}) as n(i)`;
  const copy = (table, cols, replace) => {
    const values = cols.map((c) => (c in replace ? replace[c] : `"${c}"`));
    return `${numbers} insert into ${table} (${cols.map((c) => `"${c}"`).join(',')})
      select ${values.join(',')} from ${table}, ${series} where ${table}.id = ${param}`;
  };
  await withRaw(store, async (raw) => {
    const select = async (text, params) =>
      sqlite ? raw.prepare(text).all(...params) : (await raw.query(text, params)).rows;
    const columns = async (table) =>
      (sqlite
        ? await select('select name from pragma_table_info(?)', [table])
        : await select(
            'select column_name as name from information_schema.columns where table_name = $1 and table_schema = current_schema() order by ordinal_position',
            [table],
          )
      ).map((r) => r.name);
    const [{ conversation_id: conversationId }] = await select(
      `select conversation_id from calls where id = ${param}`,
      [callId],
    );
    const statements = [
      [
        copy('calls', await columns('calls'), {
          ...ENDED_CALL,
          id: id('call'),
          conversation_id: id('conv'),
        }),
        callId,
      ],
      [
        copy('conversations', await columns('conversations'), {
          ...ENDED_CONVERSATION,
          id: id('conv'),
          call_id: id('call'),
        }),
        conversationId,
      ],
    ];
    if (sqlite) {
      raw.pragma('busy_timeout = 10000');
      raw.pragma('foreign_keys = OFF');
      // Takes the write lock at once: the server's dispatcher writes too.
      raw
        .transaction(() => {
          for (const [text, value] of statements) raw.prepare(text).run(value);
        })
        .immediate();
      return;
    }
    await raw.query('begin');
    for (const [text, value] of statements) await raw.query(text, [value]);
    await raw.query('commit');
  });
}
