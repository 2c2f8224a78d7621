// Helpers shared by the benchmarks: processes that are always cleaned up, /proc readings, the
// autocannon wrapper, the server's loop-gap metric and Markdown tables.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, totalmem } from 'node:os';
import autocannon from 'autocannon';

export const SERVER_CLI = 'apps/server/dist/cli.js';

/**
 * The environment a benchmarked server runs with: its defaults (LOG_LEVEL=info unless set), a
 * fresh pepper and session secret (or the given pepper, for keys seeded in bulk), and only the
 * rate limits raised so load is not answered 429.
 */
export function serverEnv(
  store,
  { pepper = randomBytes(32).toString('base64url'), ...extra } = {},
) {
  return {
    ...process.env,
    DATABASE_URL: store.databaseUrl,
    IQRA_PEPPER: pepper,
    SESSION_SECRET: randomBytes(32).toString('base64url'),
    RATE_LIMIT_PER_MINUTE: '1000000',
    AUTH_FAILURES_PER_MINUTE: '1000000',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    ...extra,
  };
}
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Everything the benchmark starts or creates is undone here: on success, on error and on Ctrl-C.
const cleanups = [];
const children = new Set();

/** Runs `fn` at cleanup (last registered, first run); returns a function that unregisters it. */
export function onCleanup(fn) {
  watchSignals();
  cleanups.push(fn);
  return () => {
    const i = cleanups.indexOf(fn);
    if (i >= 0) cleanups.splice(i, 1);
  };
}

/** Stops every process still running and runs every registered cleanup. Never throws. */
export async function cleanup() {
  while (cleanups.length > 0) {
    const fn = cleanups.pop();
    try {
      await fn();
    } catch (error) {
      console.error(`cleanup: ${error.message}`);
    }
  }
}

let watching = false;
/** Installed with the first cleanup, so merely importing this file changes no signal handling. */
function watchSignals() {
  if (watching) return;
  watching = true;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(signal, async () => {
      console.error(`\n${signal}: stopping the benchmark's processes and dropping its databases…`);
      await cleanup();
      process.exit(130);
    });
  }
  // A crash that skipped the async cleanup still leaves no server behind.
  process.on('exit', () => {
    for (const child of children) killGroup(child, 'SIGKILL');
  });
}

function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {}
}

/**
 * Starts `node ARGS…` in a process group of its own (optionally pinned to `cpus` with taskset),
 * stdout drained as a log collector would. `stop()` sends SIGTERM to the group, waits for the
 * exit (SIGKILL after 15 s); it is also registered as a cleanup.
 */
export function startProcess(args, { env, cpus: pin } = {}) {
  const argv = [process.execPath, ...args];
  const [cmd, ...rest] = pin ? ['taskset', '-c', pin, ...argv] : argv;
  const child = spawn(cmd, rest, { env, stdio: ['ignore', 'pipe', 'inherit'], detached: true });
  child.stdout.resume();
  children.add(child);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  exited.then(() => children.delete(child));
  let stopping;
  const stop = () => {
    stopping ??= (async () => {
      unregister();
      if (child.exitCode === null && child.signalCode === null) {
        killGroup(child, 'SIGTERM');
        const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
    })();
    return stopping;
  };
  const unregister = onCleanup(stop);
  return { child, pid: child.pid, exited, stop };
}

/**
 * The built server (`iqra serve`) on free ports, its metrics on a loopback port of their own.
 * Resolves once `/healthz` answers.
 */
export async function startServer(env, { cpus: pin } = {}) {
  const [port, metricsPort] = [await freePort(), await freePort()];
  const proc = startProcess([SERVER_CLI, 'serve'], {
    env: { ...env, PORT: String(port), HOST: '127.0.0.1', METRICS_PORT: String(metricsPort) },
    cpus: pin,
  });
  const origin = `http://127.0.0.1:${port}`;
  await waitFor(`${origin}/healthz`, proc.exited);
  return { ...proc, port, origin, metricsPort, loopGapMs: () => loopGapMs(metricsPort) };
}

export const freePort = () =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

export async function waitFor(url, exited) {
  let gone = false;
  exited?.then(() => {
    gone = true;
  });
  for (let i = 0; i < 600 && !gone; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    await sleep(100);
  }
  throw new Error(gone ? `the process behind ${url} exited` : `nothing answered at ${url}`);
}

/** Resident memory (MiB) and CPU time (µs) of a process, from /proc. */
export function usage(pid) {
  const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
  return { rss, cpuUs: cpuUsOf(pid) };
}

function cpuUsOf(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(stat[11]) + Number(stat[12])) * 10_000; // utime + stime, in 1/100 s
}

/** CPU time (µs) of every process whose command is one of `names` (e.g. postgres), by pid. */
export function cpuUsByName(names) {
  const byPid = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (names.includes(readFileSync(`/proc/${entry}/comm`, 'utf8').trim())) {
        byPid.set(entry, cpuUsOf(entry));
      }
    } catch {} // the process ended meanwhile
  }
  return byPid;
}

/** CPU used between two `cpuUsByName` readings by the processes alive at the second one. */
export function cpuUsBetween(before, after) {
  let total = 0;
  for (const [pid, us] of after) total += us - (before.get(pid) ?? 0);
  return total;
}

/** nodejs_eventloop_lag_max_seconds since the previous scrape (prom-client resets it), in ms. */
export async function loopGapMs(metricsPort) {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  return Number(/^nodejs_eventloop_lag_max_seconds (\S+)/m.exec(text)?.[1] ?? Number.NaN) * 1000;
}

/**
 * One autocannon run. `keys` (optional) gives each request its own `Authorization: Token`,
 * `keys(n)` for the n-th request of the run. Throughput is responses over the time from the start
 * to the last response: autocannon itself ends a run on its next 1 s tick, which would make a
 * burst of a few hundred milliseconds look like a second. With `amount`, `onLast` runs at the
 * last response (to read a process's CPU time before the run's idle tail).
 */
export function load(url, { method = 'GET', headers = {}, body, keys } = {}, options = {}) {
  const { onLast, ...autocannonOptions } = options;
  let n = 0;
  const requests = keys
    ? [
        {
          setupRequest: (request) => ({
            ...request,
            headers: { ...headers, authorization: `Token ${keys(n++)}` },
          }),
        },
      ]
    : undefined;
  const started = performance.now();
  let last = started;
  let instance;
  const done = new Promise((resolve, reject) => {
    instance = autocannon(
      { url, method, headers, body, requests, connections: 50, ...autocannonOptions },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
    let responses = 0;
    instance.on('response', () => {
      last = performance.now();
      if (++responses === autocannonOptions.amount) onLast?.();
    });
  });
  const result = done.then((r) => ({
    rps: r.requests.total / ((last - started) / 1000),
    total: r.requests.total,
    p50: r.latency.p50,
    p99: r.latency.p99,
    p999: r.latency.p99_9,
    max: r.latency.max,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
  }));
  return { result, stop: () => instance.stop() };
}

/** Pins this process (every thread) to `cpus` when taskset and enough cores are there. */
export function pinSelf(pin) {
  if (!pin || cpus().length < 2) return false;
  try {
    execFileSync('taskset', ['-a', '-pc', pin, String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export function percentile(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

/** The line that says where and when numbers were taken. */
export function machineLine(extra = '') {
  const cpu = cpus();
  const mem = (totalmem() / 2 ** 30).toFixed(0);
  return `${new Date().toISOString()} · ${cpu.length}× ${cpu[0]?.model} · ${mem} GiB · Node ${process.version}${extra ? ` · ${extra}` : ''}`;
}

/** A Markdown table; numbers are printed as given. */
export function table(cols, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(cols), `|${cols.map(() => '---').join('|')}|`, ...rows.map(line)].join('\n');
}

export const fixed = (n, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : '–');
