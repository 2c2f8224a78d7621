import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';

/**
 * A local stand-in for Twilio's REST API, speaking the same HTTP: `POST /2010-04-01/Accounts/
 * {Sid}/Calls.json` (form-encoded, basic auth) creates a call and answers like Twilio; the call
 * then posts its status callbacks, signed with the auth token (`X-Twilio-Signature`), to the
 * `StatusCallback` URL. `GET …/Calls/{CallSid}.json` reads a call, `POST` to it updates it.
 */
export interface StandinCall {
  sid: string;
  to: string;
  from: string;
  twiml: string;
  statusCallback: string;
  events: string[];
  /** `TimeLimit`: seconds after which Twilio hangs up. */
  timeLimit: string | null;
  status: string;
  duration: number;
}

export interface StandinOptions {
  accountSid: string;
  authToken: string;
  /** Send status callbacks (off: the server has to ask for the status itself). */
  callbacks?: boolean;
  /** Milliseconds between the steps of a call. */
  stepMs?: number;
}

const TWILIO_ERRORS: Record<string, [number, number, string]> = {
  '+15005550009': [400, 21217, 'Phone number does not appear to be valid'],
};

/** Numbers that do something else than answer and hang up. */
const STEPS: Record<string, string[]> = {
  '+15005550001': ['ringing', 'busy'],
  // Stays in progress until a test sets its `status` (and `duration`) in `calls`.
  '+15005550007': ['ringing', 'in-progress'],
};

export async function startTwilioStandin(options: StandinOptions) {
  const calls: StandinCall[] = [];
  const callbacks: { url: string; params: Record<string, string>; status: number }[] = [];
  const stepMs = options.stepMs ?? 20;
  let sendCallbacks = options.callbacks ?? true;
  let sequence = 0;

  function resource(c: StandinCall) {
    return {
      sid: c.sid,
      account_sid: options.accountSid,
      to: c.to,
      from: c.from,
      status: c.status,
      direction: 'outbound-api',
      duration: c.status === 'completed' ? String(c.duration) : null,
      date_created: new Date().toUTCString(),
      start_time: null,
      end_time: c.status === 'completed' || c.status === 'busy' ? new Date().toUTCString() : null,
      api_version: '2010-04-01',
      uri: `/2010-04-01/Accounts/${options.accountSid}/Calls/${c.sid}.json`,
    };
  }

  async function callback(c: StandinCall, status: string) {
    c.status = status;
    if (!sendCallbacks) return;
    const params: Record<string, string> = {
      AccountSid: options.accountSid,
      CallSid: c.sid,
      CallStatus: status,
      From: c.from,
      To: c.to,
      Direction: 'outbound-api',
      ApiVersion: '2010-04-01',
      CallbackSource: 'call-progress-events',
      SequenceNumber: String(sequence++),
      Timestamp: new Date().toUTCString(),
    };
    if (status === 'completed') params.CallDuration = String(c.duration);
    const signature = twilio.getExpectedTwilioSignature(
      options.authToken,
      c.statusCallback,
      params,
    );
    const res = await fetch(c.statusCallback, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': signature,
      },
      body: new URLSearchParams(params).toString(),
    });
    callbacks.push({ url: c.statusCallback, params, status: res.status });
  }

  async function run(c: StandinCall) {
    const step = () => new Promise((resolve) => setTimeout(resolve, stepMs));
    const steps = STEPS[c.to] ?? ['ringing', 'in-progress', 'completed'];
    await step();
    if (c.events.includes('initiated')) await callback(c, 'initiated');
    for (const status of steps) {
      await step();
      if (c.status === 'canceled') return;
      await callback(c, status);
    }
  }

  function send(res: ServerResponse, status: number, body: unknown) {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    const expected = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64')}`;
    if (req.headers.authorization !== expected) {
      return send(res, 401, { code: 20003, message: 'Authenticate', status: 401 });
    }
    const base = `/2010-04-01/Accounts/${options.accountSid}/Calls`;
    const url = new URL(req.url ?? '/', 'http://standin');
    if (req.method === 'POST' && url.pathname === `${base}.json`) {
      const to = form.get('To') ?? '';
      const error = TWILIO_ERRORS[to];
      if (error)
        return send(res, error[0], { code: error[1], message: error[2], status: error[0] });
      const c: StandinCall = {
        sid: `CA${randomBytes(16).toString('hex')}`,
        to,
        from: form.get('From') ?? '',
        twiml: form.get('Twiml') ?? '',
        statusCallback: form.get('StatusCallback') ?? '',
        events: form.getAll('StatusCallbackEvent'),
        timeLimit: form.get('TimeLimit'),
        status: 'queued',
        duration: 42,
      };
      calls.push(c);
      send(res, 201, resource(c));
      void run(c).catch(() => {});
      return;
    }
    const one = url.pathname.match(new RegExp(`^${base}/(CA[0-9a-f]{32})\\.json$`));
    const c = one ? calls.find((x) => x.sid === one[1]) : undefined;
    if (!c) return send(res, 404, { code: 20404, message: 'Not found', status: 404 });
    if (req.method === 'POST' && form.get('Status')) c.status = form.get('Status') ?? c.status;
    return send(res, 200, resource(c));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => send(res, 500, { code: 20500, message: 'error', status: 500 }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    calls,
    callbacks,
    setCallbacks(on: boolean) {
      sendCallbacks = on;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
