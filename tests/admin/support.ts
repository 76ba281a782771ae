// Where the admin routes answer in a test. Once src/app.ts registers adminRoutes, on the app
// itself (so the real wiring is what is tested); until then, on a side Fastify bound to the
// test app's own database and queue.
import Fastify from 'fastify';
import { adminRoutes } from '../../src/http/admin/index.js';
import type { TestApp } from '../support/app.js';

export const ADMIN_TOKEN = 'test-admin-token'; // what startTestApp puts in ADMIN_TOKEN

export interface AdminServer {
  base: string;
  mounted: 'app' | 'side';
  close(): Promise<void>;
}

export async function adminFor(app: TestApp): Promise<AdminServer> {
  if (app.http?.hasRoute({ method: 'GET', url: '/admin/api/stats' }))
    return { base: app.base, mounted: 'app', close: async () => {} };
  const http = Fastify({ logger: false });
  await http.register(adminRoutes, {
    deps: () => ({ pool: app.db.pool, queue: app.queue, adminToken: app.settings.env.ADMIN_TOKEN }),
  });
  const base = await http.listen({ port: 0, host: '127.0.0.1' });
  return { base, mounted: 'side', close: () => http.close() };
}

export const bearer = (token = ADMIN_TOKEN) => ({ authorization: `Bearer ${token}` });

/** Signs in through the form; returns the `name=value` pair to send as Cookie. */
export async function login(base: string, token = ADMIN_TOKEN): Promise<string> {
  const res = await fetch(`${base}/admin/login`, {
    method: 'POST',
    body: new URLSearchParams({ token, next: '/admin' }),
    redirect: 'manual',
  });
  if (res.status !== 303) throw new Error(`login answered ${res.status}`);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('aftercart_admin='));
  if (!cookie) throw new Error('login set no session cookie');
  return cookie.split(';')[0]!;
}

/** The CSRF token the dashboard's forms carry for this session. */
export async function csrfFor(base: string, cookie: string): Promise<string> {
  const page = await (await fetch(`${base}/admin`, { headers: { cookie } })).text();
  const match = /name="_csrf" value="([^"]+)"/.exec(page);
  if (!match) throw new Error('no CSRF token on the page');
  return match[1]!;
}
