import { type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import type { DestinationStream } from 'pino';

/** API keys and client tokens: neither may reach a log line, even pasted into a URL. */
const KEY_IN_TEXT = /iqra_(sk|ct)_[0-9A-Za-z._-]*/g;

/**
 * Pino options for the server. The request serializer is an allow-list (method, URL, address),
 * so `Authorization` and cookies never reach a log line and no `redact` pass is needed: redaction
 * walked every line at a measurable cost per request (bench/logging.mjs).
 */
export function loggerOptions(level: string, stream?: DestinationStream) {
  return {
    level,
    ...(stream ? { stream } : {}),
    serializers: {
      // A key pasted into a query string must not reach the logs either.
      req: (req: { method: string; url: string; ip?: string }) => ({
        method: req.method,
        url: req.url.includes('iqra_')
          ? req.url.replace(KEY_IN_TEXT, 'iqra_$1_[redacted]')
          : req.url,
        remoteAddress: req.ip,
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  };
}

/**
 * One line per request, written when it completes, in place of Fastify's two (incoming and
 * completed): operators keep method, URL, status and time at `info`, for half the lines. Errors
 * and every other framework log stay as Fastify writes them.
 */
export class OneLinePerRequest extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const line = { req: request, res: reply, responseTime: reply.elapsedTime };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request completed');
  }
}
