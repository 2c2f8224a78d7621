import { hostname } from 'node:os';
import {
  type FastifyBaseLogger,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import { type DestinationStream, pino } from 'pino';
import { stdoutLines } from './log-writer.js';

/** API keys and client tokens: neither may reach a log line, even pasted into a URL. */
const KEY_IN_TEXT = /iqra_(sk|ct)_[0-9A-Za-z._-]*/g;

/** A URL as it may be logged: a key pasted into a query string must not reach the logs either. */
export function loggableUrl(url: string): string {
  return url.includes('iqra_') ? url.replace(KEY_IN_TEXT, 'iqra_$1_[redacted]') : url;
}

export interface ServerLogger {
  logger: FastifyBaseLogger;
  /** Where lines go; the per-request line is written to it directly. */
  destination: DestinationStream;
}

/**
 * The server's pino logger. The request serializer is an allow-list (method, URL, address), so
 * `Authorization` and cookies never reach a log line and no `redact` pass is needed. Lines go to
 * stdout once per event-loop turn (`LineWriter`), not with a system call each.
 */
export function createLogger(level: string, stream?: DestinationStream): ServerLogger {
  const destination = stream ?? stdoutLines();
  const logger = pino(
    {
      level,
      serializers: {
        req: (req: { method: string; url: string; ip?: string }) => ({
          method: req.method,
          url: loggableUrl(req.url),
          remoteAddress: req.ip,
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    },
    destination,
  );
  return { logger, destination };
}

/** pino's number for `info`, as it writes it; `silent` has none. */
const INFO = 30;
const LEVELS: Readonly<Record<string, number>> = pino.levels.values;

/**
 * One line per request, written when it completes, in place of Fastify's two (incoming and
 * completed): operators keep method, URL, status and time at `info`, for half the lines. The line
 * is the JSON pino would write for `reply.log.info({ req, res, responseTime }, 'request
 * completed')`, field for field, but put together here: it is the one line every request writes,
 * and pino's generic serialization of it cost several microseconds per request (bench/logging.mjs).
 * Errors and every other framework log stay as Fastify writes them.
 */
export class OneLinePerRequest extends LogController {
  private readonly bindings = `,"pid":${process.pid},"hostname":${JSON.stringify(hostname())}`;

  constructor(private readonly destination: DestinationStream) {
    super();
  }

  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    if (error) {
      reply.log.error(
        { req: request, res: reply, responseTime: reply.elapsedTime, err: error },
        'request errored',
      );
      return;
    }
    // The route's own level (health probes log at `warn`) decides, as it would for pino.
    if ((LEVELS[reply.log.level] ?? Number.POSITIVE_INFINITY) > INFO) return;
    // A socket already gone has no address: pino would leave the field out, and so do we.
    const address =
      request.ip === undefined ? '' : `,"remoteAddress":${JSON.stringify(request.ip)}`;
    this.destination.write(
      `{"level":${INFO},"time":${Date.now()}${this.bindings},"reqId":${JSON.stringify(request.id)},` +
        `"req":{"method":${JSON.stringify(request.method)},"url":${JSON.stringify(loggableUrl(request.url))}` +
        `${address}},"res":{"statusCode":${reply.statusCode}},` +
        `"responseTime":${reply.elapsedTime},"msg":"request completed"}\n`,
    );
  }
}
