// /admin: the operator's dashboard, its JSON API and Bull Board, all behind ADMIN_TOKEN.
// Register once on the HTTP server, before listen, with lazy deps like the other plugins:
//   await http.register(adminRoutes, { deps: () => ready && { pool, queue, adminToken } });
// Everything lives in one encapsulated plugin under the /admin prefix, so its cookie and form
// parsers, hooks and error handler touch no other route.
import type { FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import { adminGate } from './access.js';
import { apiRoutes } from './api-routes.js';
import { pageRoutes } from './page-routes.js';
import { queueBoard } from './queue-board.js';
import { adminErrorHandler } from './errors.js';
import { refuseNul } from './nul-guard.js';
import { useZodSchemas } from '../validation.js';
import type { AdminDepsSource } from './deps.js';

export type { AdminDeps, AdminDepsSource } from './deps.js';
export { QUEUE_BOARD_PATH } from './queue-board.js';

export async function adminRoutes(app: FastifyInstance, opts: { deps: AdminDepsSource }): Promise<void> {
  await app.register(
    async (admin) => {
      await admin.register(cookie);
      await admin.register(formbody);
      // Used by the login form only (login-limit.ts): no route is limited by default.
      await admin.register(rateLimit, { global: false });
      useZodSchemas(admin); // routes declare zod schemas (api-routes.ts, page-routes.ts)
      admin.setErrorHandler(adminErrorHandler);
      admin.addHook('onRequest', adminGate(opts.deps));
      admin.addHook('preValidation', refuseNul);
      await admin.register(apiRoutes, { deps: opts.deps });
      await admin.register(pageRoutes, { deps: opts.deps });
      await admin.register(queueBoard, { deps: opts.deps });
    },
    { prefix: '/admin' },
  );
}
