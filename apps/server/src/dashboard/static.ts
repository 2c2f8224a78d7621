import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { ApiError } from '../http/errors.js';
import type { App } from '../http/types.js';

/** Where `npm run build` puts the dashboard; the same relative path from `src/` and `dist/`. */
const DEFAULT_DIR = fileURLToPath(new URL('../../../dashboard/dist', import.meta.url));

/** Paths that belong to the API and the service: never answered with the dashboard. */
/** The router's `maxParamLength` (app.ts). */
export const MAX_PARAM_LENGTH = 200;

const RESERVED = ['/api', '/auth', '/docs', '/healthz', '/readyz'];

const IMMUTABLE = 'public, max-age=31536000, immutable';
const SHORT = 'public, max-age=3600';

/**
 * Vite builds need no inline script or style element; the white-label logo may come from any
 * HTTPS origin. Styles set from script (CSS variables) are CSSOM writes, which `style-src` allows.
 */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' https: data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export function dashboardDirOf(config: Pick<Config, 'dashboardDir'>): string {
  return config.dashboardDir ?? DEFAULT_DIR;
}

/**
 * Serves the built dashboard at `/`: its files by exact path (the list is read once, so no request
 * path ever reaches the file system), and `index.html` for any other GET of a page, so client-side
 * routes survive a reload. API and service paths keep their JSON 404. Registers nothing when the
 * dashboard has not been built.
 */
export async function registerDashboard(app: App, config: Pick<Config, 'dashboardDir'>) {
  const root = dashboardDirOf(config);
  if (!existsSync(join(root, 'index.html'))) {
    app.log.info({ dir: root }, 'dashboard not built; serving the API only');
    return;
  }
  const files = new Set(listFiles(root));

  await app.register(async (scope) => {
    await scope.register(fastifyStatic, { root, serve: false });

    const sendIndex = (reply: FastifyReply) =>
      reply
        .header('cache-control', 'no-cache')
        .header('content-security-policy', DASHBOARD_CSP)
        .header('x-content-type-options', 'nosniff')
        .header('x-frame-options', 'DENY')
        .header('referrer-policy', 'same-origin')
        .sendFile('index.html', { cacheControl: false });

    scope.get(
      '/*',
      { config: { access: 'public' }, schema: { hide: true }, logLevel: 'warn' },
      async (request, reply) => {
        const path = pathOf(request);
        if (isReserved(path)) {
          // Without this catch-all the router would have refused an over-long path parameter
          // before routing (a 400 via frameworkErrors); answer the same, whether or not the
          // dashboard is built.
          if (path.split('/').some((segment) => segment.length > MAX_PARAM_LENGTH)) {
            throw new ApiError('validation_error', 'The request URL is not valid.');
          }
          throw new ApiError('not_found');
        }
        if (path === '/' || path === '/index.html') return sendIndex(reply);
        if (files.has(path)) {
          return reply
            .header('cache-control', path.startsWith('/assets/') ? IMMUTABLE : SHORT)
            .header('x-content-type-options', 'nosniff')
            .sendFile(path.slice(1), { cacheControl: false });
        }
        if (acceptsHtml(request)) return sendIndex(reply);
        throw new ApiError('not_found');
      },
    );
  });
}

function pathOf(request: FastifyRequest): string {
  const url = request.raw.url ?? '/';
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
}

function isReserved(path: string): boolean {
  return RESERVED.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

function acceptsHtml(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').includes('text/html');
}

/** Every file under `root`, as a URL path (`/assets/index-3f9a.js`). */
function listFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else out.push(`/${relative(root, full).split(sep).join('/')}`);
    }
  };
  walk(root);
  return out;
}
