/**
 * The dashboard's file server (src/api/static.ts): content types, cache headers, gzip,
 * ETag/304, API prefixes never answered with a file, and no path (fuzzed) that leaves
 * the root.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardRoutes, resolveInside } from '../../src/api/static.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

let root: string;
let app: FastifyInstance;

beforeAll(async () => {
  root = path.join(tempDir(), 'dist');
  mkdirSync(path.join(root, 'assets'), { recursive: true });
  writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>x</title>');
  writeFileSync(path.join(root, 'assets/main-ABCDEF12.js'), 'console.log(1)');
  writeFileSync(path.join(root, 'assets/main-ABCDEF12.js.gz'), gzipSync('console.log(1)'));
  writeFileSync(path.join(path.dirname(root), 'secret.txt'), 'outside the root');
  app = Fastify();
  await app.register(dashboardRoutes({ root }));
});

afterAll(async () => {
  await app.close();
  removeTempDirs();
});

describe('dashboard static files', () => {
  it('serves index.html at / with no-cache, a CSP and nosniff', async () => {
    const r = await app.inject({ url: '/' });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['cache-control']).toBe('no-cache');
    expect(r.headers['content-security-policy']).toContain("script-src 'self'");
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.body).toContain('<title>x</title>');
  });

  it('serves hashed assets immutable, gzip when accepted, and 304 on a matching ETag', async () => {
    const plain = await app.inject({ url: '/assets/main-ABCDEF12.js' });
    expect(plain.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(plain.headers['cache-control']).toContain('immutable');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe('console.log(1)');
    const gz = await app.inject({ url: '/assets/main-ABCDEF12.js', headers: { 'accept-encoding': 'gzip, br' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers.etag).not.toBe(plain.headers.etag);
    const again = await app.inject({ url: '/assets/main-ABCDEF12.js', headers: { 'if-none-match': String(plain.headers.etag) } });
    expect(again.statusCode).toBe(304);
  });

  it('never answers API, docs or live paths with a file, and 404s unknown files', async () => {
    for (const url of ['/api/nothing', '/docs/x', '/live/cameras/x']) {
      const r = await app.inject({ url });
      expect(r.statusCode).toBe(404);
      expect(r.json().error.code).toBe('NOT_FOUND');
    }
    expect((await app.inject({ url: '/nope.js' })).statusCode).toBe(404);
  });

  it('refuses paths that leave the root', async () => {
    for (const url of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/%00', '/..%5csecret.txt', '/%E0%A4%A']) {
      const r = await app.inject({ url });
      // 404 from the handler, or 400 where fastify itself refuses a malformed URL.
      expect([400, 404], url).toContain(r.statusCode);
      expect(r.body).not.toContain('outside the root');
    }
  });

  it('resolves no URL path, however odd, to a file outside the root', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.webPath(), fc.array(fc.constantFrom('..', '%2e', '%2f', '/', '\\', 'a', '.', '%00', '%'), { maxLength: 12 }).map((p) => p.join(''))), (p) => {
        const file = resolveInside(root, p);
        if (file !== undefined) expect(file === root || file.startsWith(root + path.sep)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
