import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';
import { createKey, type Session, signUp } from '../../../apps/server/test/helpers/client.js';
import { startTestApp, type TestApp } from '../../../apps/server/test/helpers/harness.js';

export interface LiveServer {
  t: TestApp;
  baseUrl: string;
  owner: Session;
  /** An unrestricted key with user management. */
  key: string;
  keyId: string;
  close(): Promise<void>;
}

/** The real app on SQLite in memory, listening on a free local port. */
export async function startLiveServer(
  options: Parameters<typeof startTestApp>[0] = {},
): Promise<LiveServer> {
  const t = await startTestApp(options);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = t.app.server.address() as AddressInfo;
  const owner = await signUp(t.app);
  const { key, id } = await createKey(t.app, owner, { userManagement: true });
  return { t, baseUrl: `http://127.0.0.1:${port}`, owner, key, keyId: id, close: () => t.close() };
}

/**
 * A TCP proxy in front of a server that drops the first `drop` connections once the server has
 * answered on them: the request reached the server, the client never hears back.
 */
export async function startDroppingProxy(targetPort: number, drop = 1) {
  let connections = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const index = connections++;
    sockets.add(client);
    {
      const target = connect(targetPort, '127.0.0.1');
      sockets.add(target);
      client.pipe(target);
      if (index < drop) {
        target.once('data', () => {
          client.destroy();
          target.destroy();
        });
      } else {
        target.pipe(client);
      }
      target.on('error', () => client.destroy());
      client.on('error', () => target.destroy());
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => connections,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A `fetch` that records every attempt (method, path, status or error). */
export function recordingFetch() {
  const attempts: { method: string; path: string; status: number | 'error'; at: number }[] = [];
  const send: typeof fetch = async (input, init) => {
    const url = new URL(String(input));
    const entry = { method: init?.method ?? 'GET', path: url.pathname, at: Date.now() };
    try {
      const res = await fetch(input, init);
      attempts.push({ ...entry, status: res.status });
      return res;
    } catch (error) {
      attempts.push({ ...entry, status: 'error' });
      throw error;
    }
  };
  return { attempts, fetch: send };
}
