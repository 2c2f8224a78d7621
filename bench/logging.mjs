// What per-request logging at `info` costs: the same Fastify route, with logs silenced, with the
// logger configuration the server had before issue 12 (redact + Fastify's two lines per request),
// with one allow-listed line written by pino (the first step of issue 12), and with the server's
// current one (http/logging.ts: the line put together by hand, written once per event-loop turn),
// all to /dev/null. Requests go through `inject`, so no socket noise hides the difference; rounds
// alternate.
//
//   npm run build && node bench/logging.mjs          (BENCH_REQUESTS=20000 BENCH_ROUNDS=3)
import { openSync } from 'node:fs';
import Fastify, { LogController } from 'fastify';
import pino from 'pino';
import { LineWriter } from '../apps/server/dist/http/log-writer.js';
import { createLogger, OneLinePerRequest } from '../apps/server/dist/http/logging.js';

const requests = Number(process.env.BENCH_REQUESTS ?? 20000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const devNull = () => pino.destination({ dest: '/dev/null', sync: false });

const KEY_IN_TEXT = /iqra_sk_[0-9A-Za-z]*/g;
const variants = {
  silent: () => Fastify({ logger: { level: 'silent' } }),
  'before (redact, 2 lines)': () =>
    Fastify({
      logger: {
        level: 'info',
        stream: devNull(),
        redact: {
          paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
          censor: '[redacted]',
        },
        serializers: {
          req: (req) => ({
            method: req.method,
            url: req.url.replace(KEY_IN_TEXT, 'iqra_sk_[redacted]'),
            remoteAddress: req.ip,
          }),
        },
      },
    }),
  'pino (allow-list, 1 line)': () =>
    Fastify({
      logger: {
        level: 'info',
        stream: pino.destination({ dest: '/dev/null', sync: true }),
        serializers: {
          req: (req) => ({ method: req.method, url: req.url, remoteAddress: req.ip }),
          res: (res) => ({ statusCode: res.statusCode }),
        },
      },
      logController: new (class extends LogController {
        incomingRequest() {}
        requestCompleted(_error, request, reply) {
          reply.log.info(
            { req: request, res: reply, responseTime: reply.elapsedTime },
            'request completed',
          );
        }
      })(),
    }),
  'now (by hand, batched)': () => {
    const { logger, destination } = createLogger(
      'info',
      new LineWriter(openSync('/dev/null', 'w')),
    );
    return Fastify({ loggerInstance: logger, logController: new OneLinePerRequest(destination) });
  },
};

const apps = {};
for (const [name, make] of Object.entries(variants)) {
  const app = make();
  app.get('/api/v1/businesses/:id', async () => ({ id: 'biz_1', name: 'Bench' }));
  await app.ready();
  apps[name] = app;
}
// Warm-up: every variant JIT-compiled before any round counts.
for (const app of Object.values(apps)) {
  for (let i = 0; i < 5000; i++) await app.inject({ url: '/api/v1/businesses/biz_1' });
}
const totals = Object.fromEntries(Object.keys(apps).map((n) => [n, []]));
for (let round = 0; round < rounds; round++) {
  for (const [name, app] of Object.entries(apps)) {
    // CPU time, not wall time: on a shared machine other processes stretch the wall clock.
    const start = process.cpuUsage();
    for (let i = 0; i < requests; i++) {
      await app.inject({ url: '/api/v1/businesses/biz_1', headers: { authorization: 'Token x' } });
    }
    const used = process.cpuUsage(start);
    totals[name].push((used.user + used.system) / requests);
  }
}
const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const base = median([...totals.silent]);
console.log(`${requests} inject requests × ${rounds} alternating rounds, Node ${process.version}`);
for (const [name, xs] of Object.entries(totals)) {
  const us = median(xs);
  console.log(
    `${name.padEnd(28)} ${us.toFixed(1).padStart(6)} CPU µs/request  (+${(us - base).toFixed(1)} µs over silent)`,
  );
}
for (const app of Object.values(apps)) await app.close();
