import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  clientTokenHandler,
  iqraProxy,
  toNodeHandler,
} from '../../packages/middleware/src/index.js';

export interface ExampleOptions {
  /** The Iqra server, e.g. http://localhost:3000. */
  iqraUrl: string;
  /** The secret key (`iqra_sk_…`): it stays on this server, never sent to the browser. */
  apiKey: string;
  /** The one business every visitor of this example may see. */
  businessId: string;
  port?: number;
  host?: string;
}

const PUBLIC = new URL('./public/', import.meta.url);
const STATIC: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
};

/**
 * The example's server: the page, its script, `/config.json` (the Iqra URL and the business id;
 * never the key), the proxy under `/iqra/*` and the client-token endpoint at `/client-token`.
 */
export function createExampleServer(options: ExampleOptions): Server {
  if (!options.apiKey) throw new TypeError('IQRA_API_KEY is required.');
  if (!options.businessId) throw new TypeError('IQRA_BUSINESS_ID is required.');
  // A real app would look the visitor up in its own session; here every visitor gets the one business.
  const authorize = () => options.businessId;
  const proxy = toNodeHandler(
    iqraProxy({
      apiKey: options.apiKey,
      baseUrl: options.iqraUrl,
      routes: ['GET /businesses/:businessId/conversations'],
      authorize,
      prefix: '/iqra',
    }),
  );
  const clientToken = toNodeHandler(
    clientTokenHandler({
      apiKey: options.apiKey,
      baseUrl: options.iqraUrl,
      authorize,
      permissions: { conversations: 'read' },
    }),
  );
  const config = JSON.stringify({ iqraUrl: options.iqraUrl, businessId: options.businessId });

  return createServer(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path === '/iqra' || path.startsWith('/iqra/')) return proxy(req, res);
    if (path === '/client-token') return clientToken(req, res);
    if (path === '/config.json') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      return res.end(config);
    }
    const asset = STATIC[path];
    if (!asset || req.method !== 'GET') {
      res.writeHead(404, { 'content-type': 'text/plain' });
      return res.end('Not found');
    }
    res.writeHead(200, { 'content-type': asset.type });
    res.end(await readFile(new URL(asset.file, PUBLIC)));
  });
}

/** Starts the example and answers its URL. */
export async function startExample(
  options: ExampleOptions,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createExampleServer(options);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 5173, options.host ?? '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
