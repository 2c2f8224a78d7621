// Seeds the benchmark's store through the API and the CLI, and the 10,000 conversations in bulk
// with SQL (copies of one real call and its conversation), not one API call each.
import { execFileSync } from 'node:child_process';
import SQLite from 'better-sqlite3';

export async function seed({ origin, env, dbPath, conversations = 10_000 }) {
  const email = 'bench@example.com';
  const signup = await fetch(`${origin}/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'a long password', name: 'Bench' }),
  });
  const cookie = signup.headers.get('set-cookie').split(';')[0];
  const { csrfToken } = await signup.json();
  const session = { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' };
  const post = async (path, body, headers = session) => {
    const res = await fetch(`${origin}${path}`, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const business = await post('/api/v1/businesses', { name: 'Bench' });
  const { key } = await post('/api/v1/user/api-keys', {
    name: 'bench',
    businessScope: { type: 'unrestricted' },
  });
  const agent = await post(`/api/v1/businesses/${business.id}/agents`, {
    name: 'Bench agent',
    greeting: 'Hello from the benchmark.',
  });
  // Enough credit that every call the benchmark makes is accepted (each holds its maximum length).
  execFileSync(
    process.execPath,
    ['apps/server/dist/cli.js', 'billing', 'credit', '--user', email, '--minutes', '100000000'],
    { env, stdio: 'ignore' },
  );
  const token = { authorization: `Token ${key}`, 'content-type': 'application/json' };
  const callBody = { agentId: agent.id, to: '+15005550006' };
  const call = await post(`/api/v1/businesses/${business.id}/calls`, callBody, token);

  const db = new SQLite(dbPath);
  db.pragma('busy_timeout = 10000');
  db.pragma('foreign_keys = OFF');
  const copy = (table, id, replace) => {
    const row = db.prepare(`select * from ${table} where id = ?`).get(id);
    const cols = Object.keys(row);
    const values = cols.map((c) => (c in replace ? replace[c] : `"${c}"`));
    return db.prepare(
      `with recursive n(i) as (select 1 union all select i + 1 from n where i < ${conversations})
       insert into ${table} (${cols.map((c) => `"${c}"`).join(',')})
       select ${values.join(',')} from ${table}, n where ${table}.id = ?`,
    );
  };
  const convId = db
    .prepare('select conversation_id from calls where id = ?')
    .get(call.id).conversation_id;
  const pad = (prefix) => `'${prefix}' || printf('%020d', i)`;
  db.transaction(() => {
    copy('calls', call.id, { id: pad('cal_bench'), conversation_id: pad('cnv_bench') }).run(
      call.id,
    );
    copy('conversations', convId, { id: pad('cnv_bench'), call_id: pad('cal_bench') }).run(convId);
  }).immediate(); // takes the write lock at once: the server's dispatcher writes too
  db.close();
  return { key, businessId: business.id, callBody };
}
