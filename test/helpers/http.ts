/** A signed-in HTTP client against a running daemon (real sockets), and its live WebSocket. */
import WebSocket from 'ws';
import { addUserToStore } from './users.js';
import type { RunningDaemon } from '../../src/daemon.js';
import type { StaffRole } from '../../src/domain/model.js';

export interface HttpSession {
  request(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }>;
  live(since?: number): Promise<LiveClient>;
}

export interface LiveClient {
  messages: any[];
  next(predicate: (m: any) => boolean, timeoutMs?: number): Promise<any>;
  close(): void;
}

export async function signIn(daemon: RunningDaemon, username: string, role: StaffRole): Promise<HttpSession> {
  const password = 'a long test password';
  await addUserToStore(daemon.services.store, username, role, password);
  const res = await fetch(`${daemon.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status}`);
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return {
    async request(method, path, body) {
      const r = await fetch(`${daemon.url}${path}`, {
        method,
        headers: { cookie, 'x-csrf-token': csrfToken, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: r.status, json: await r.json().catch(() => null) };
    },
    live(since) {
      const url = `${daemon.url.replace('http', 'ws')}/api/live${since === undefined ? '' : `?since=${since}`}`;
      const ws = new WebSocket(url, { headers: { cookie } });
      const messages: any[] = [];
      const waiters: { predicate: (m: any) => boolean; resolve: (m: any) => void }[] = [];
      ws.on('message', (data) => {
        const m = JSON.parse(String(data));
        messages.push(m);
        for (const w of [...waiters]) if (w.predicate(m)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(m);
        }
      });
      const client: LiveClient = {
        messages,
        next(predicate, timeoutMs = 5000) {
          const found = messages.find(predicate);
          if (found) return Promise.resolve(found);
          return new Promise((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error('no matching live message')), timeoutMs);
            waiters.push({ predicate, resolve: (m) => (clearTimeout(timer), resolve(m)) });
          });
        },
        close: () => ws.close(),
      };
      return new Promise((resolve, reject) => {
        ws.once('open', () => resolve(client));
        ws.once('unexpected-response', (_req, res) => reject(new Error(`websocket refused: ${res.statusCode}`)));
        ws.once('error', reject);
      });
    },
  };
}
