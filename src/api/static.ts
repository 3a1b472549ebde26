/**
 * Serves the reception dashboard (web/dist, built by `node web/build.mjs`) at /. Small on
 * purpose (no @fastify/static): one wildcard GET route, paths confined to the root, a
 * content type per extension, precompressed .gz files when the browser accepts gzip,
 * ETag/304, and cache headers: index.html is revalidated every time, hashed assets are
 * immutable. The auth hook lets these GETs through unsigned, so the login page loads.
 */
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
  '.wav': 'audio/wav',
  '.txt': 'text/plain; charset=utf-8',
};

/** Names the build gives hashed files: `main-3F2A9C1B.js`. */
const HASHED = /-[A-Z0-9]{8}\.[a-z0-9]+$/;
/** Prefixes owned by the API, the docs and the live streams: never answered with a file. */
const NOT_FILES = ['/api', '/docs', '/live', '/healthz'];

/** Same-origin only; the live channel is a same-origin WebSocket; no inline script or style. */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

export interface StaticOptions {
  /** Directory of the built dashboard; default: web/dist of the checkout (from src/ or dist/src/). */
  root?: string;
}

/** web/dist relative to this file, whether it runs from src/api (tsx) or dist/src/api (built). */
export function defaultDashboardRoot(): string {
  const here = import.meta.dirname;
  const candidates = [path.resolve(here, '../../web/dist'), path.resolve(here, '../../../web/dist')];
  return candidates.find((c) => existsSync(path.join(c, 'index.html'))) ?? candidates[0]!;
}

/** The file a URL path names inside root, or undefined when it would leave root or is malformed. */
export function resolveInside(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath.split('?')[0]!);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const relative = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const full = path.resolve(root, relative);
  if (full !== root && !full.startsWith(root + path.sep)) return undefined;
  return full;
}

const NOT_BUILT_PAGE =
  '<!doctype html><html lang="en"><meta charset="utf-8"><title>contactd</title>' +
  '<body><h1>contactd</h1><p>The dashboard has not been built. Run <code>npm run build:web</code> ' +
  '(<code>node web/build.mjs</code>) and reload.</p></body></html>';

interface FileHit {
  file: string;
  size: number;
  mtimeMs: number;
}

async function findFile(file: string): Promise<FileHit | undefined> {
  try {
    const s = await stat(file);
    return s.isFile() ? { file, size: s.size, mtimeMs: s.mtimeMs } : undefined;
  } catch {
    return undefined;
  }
}

function acceptsGzip(request: FastifyRequest): boolean {
  const accept = request.headers['accept-encoding'];
  return typeof accept === 'string' && /\bgzip\b/.test(accept);
}

async function sendFile(request: FastifyRequest, reply: FastifyReply, hit: FileHit): Promise<FastifyReply> {
  const ext = path.extname(hit.file);
  const gz = acceptsGzip(request) ? await findFile(`${hit.file}.gz`) : undefined;
  const chosen = gz ?? hit;
  const etag = `"${chosen.size.toString(16)}-${Math.floor(chosen.mtimeMs).toString(16)}${gz ? '-gz' : ''}"`;
  void reply
    .header('content-type', CONTENT_TYPES[ext] ?? 'application/octet-stream')
    .header('cache-control', HASHED.test(hit.file) ? 'public, max-age=31536000, immutable' : 'no-cache')
    .header('etag', etag)
    .header('vary', 'accept-encoding')
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer');
  if (ext === '.html') void reply.header('content-security-policy', CSP).header('x-frame-options', 'DENY');
  if (gz) void reply.header('content-encoding', 'gzip');
  if (request.headers['if-none-match'] === etag) return reply.status(304).send();
  return reply.send(await readFile(chosen.file));
}

export function dashboardRoutes(options: StaticOptions = {}): FastifyPluginAsync {
  return async (app) => {
    const root = path.resolve(options.root ?? defaultDashboardRoot());
    app.get('/*', { schema: { hide: true } }, async (request, reply) => {
      const urlPath = request.url.split('?')[0]!;
      if (NOT_FILES.some((p) => urlPath === p || urlPath.startsWith(`${p}/`))) {
        return reply.status(404).send({ error: { code: 'NOT_FOUND', message: `no route GET ${urlPath}` } });
      }
      const file = resolveInside(root, urlPath);
      const hit = file ? await findFile(file) : undefined;
      if (hit) return sendFile(request, reply, hit);
      if (urlPath === '/' || urlPath === '/index.html') {
        return reply.status(503).header('content-type', 'text/html; charset=utf-8').send(NOT_BUILT_PAGE);
      }
      return reply.status(404).header('content-type', 'text/plain; charset=utf-8').send('not found');
    });
  };
}
