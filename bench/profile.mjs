// CPU profile of one benchmark scenario (issue 12): starts the built server under --cpu-prof,
// seeds it like bench/run.mjs, loads one scenario, stops the server and prints the functions
// with the most self time, grouped by file.
//
//   node bench/profile.mjs business|list|conversations|calls|healthz [seconds] [--engine postgres]
//   NOPROF=1 …   CPU µs per request (user and system) without a profile
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { cleanup, serverEnv } from './lib.mjs';
import { seed } from './seed.mjs';
import { createStore, enginesFromArgv } from './stores.mjs';

const scenario = process.argv[2] ?? 'business';
const seconds = Number(process.argv[3] ?? 5);
const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
const dir = mkdtempSync(join(tmpdir(), 'iqra-prof-'));
const [engine] = enginesFromArgv(process.argv, 'sqlite');
const store = await createStore(engine, 'profile');
const port = await freePort();
const origin = `http://127.0.0.1:${port}`;
const env = serverEnv(store, { PORT: String(port), HOST: '127.0.0.1' });
const profiling = process.env.NOPROF !== '1';
const server = spawn(
  process.execPath,
  [
    ...(profiling ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : []),
    'apps/server/dist/cli.js',
    'serve',
  ],
  { env, stdio: ['ignore', 'pipe', 'inherit'] },
);
server.stdout.resume();
for (let i = 0; i < 200; i++) {
  try {
    if ((await fetch(`${origin}/healthz`)).ok) break;
  } catch {}
  await new Promise((r) => setTimeout(r, 100));
}
const { key, businessId, callBody } = await seed({ origin, env, store });
const headers = { authorization: `Token ${key}` };
const biz = `/api/v1/businesses/${businessId}`;
const requests = {
  healthz: { path: '/healthz' },
  business: { path: biz, headers },
  list: { path: '/api/v1/businesses', headers },
  conversations: { path: `${biz}/conversations`, headers },
  calls: {
    path: `${biz}/calls`,
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify(callBody),
  },
};
const r = requests[scenario];
/** User and system CPU time of the server, µs (from /proc, in 1/100 s ticks). */
const cpuUs = () => {
  const stat = readFileSync(`/proc/${server.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return { user: Number(stat[11]) * 10_000, sys: Number(stat[12]) * 10_000 };
};
const before = cpuUs();
const result = await autocannon({
  url: `${origin}${r.path}`,
  method: r.method ?? 'GET',
  headers: r.headers,
  body: r.body,
  connections: 50,
  duration: seconds,
});
const after = cpuUs();
const per = (k) => ((after[k] - before[k]) / result.requests.total).toFixed(1);
console.log(
  `${scenario}: ${result.requests.average} req/s, CPU/req ${per('user')} µs user + ${per('sys')} µs sys, non-2xx ${result.non2xx}`,
);
server.kill('SIGTERM');
await new Promise((resolve) => server.once('exit', resolve));
await cleanup();
if (!profiling) process.exit(0);
const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
const profile = JSON.parse(readFileSync(join(dir, file), 'utf8'));
const dt = new Map();
for (let i = 0; i < profile.samples.length; i++) {
  dt.set(profile.samples[i], (dt.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
}
const total = [...dt.values()].reduce((a, b) => a + b, 0);
const self = new Map();
for (const node of profile.nodes) {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url.replace(/^.*node_modules\//, '').replace(/^.*\/dist\//, 'src/');
  const name = `${functionName || '(anon)'} ${where}:${lineNumber + 1}`;
  self.set(name, (self.get(name) ?? 0) + (dt.get(node.id) ?? 0));
}
const byFile = new Map();
for (const [name, t] of self) {
  const file = name.split(' ')[1]?.replace(/:\d+$/, '') ?? '';
  const pkg = file.startsWith('src/') ? file : file.split('/')[0] || name.split(' ')[0];
  byFile.set(pkg, (byFile.get(pkg) ?? 0) + t);
}
const top = (m, n) =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, t]) => `${((100 * t) / total).toFixed(1).padStart(5)}%  ${k}`)
    .join('\n');
console.log(`\nself time by function:\n${top(self, Number(process.env.TOP ?? 40))}`);
console.log(`\nself time by file or package:\n${top(byFile, 30)}`);
console.log(`\nprofile: ${join(dir, file)}`);
