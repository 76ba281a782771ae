// What the admin routes need, handed over lazily: HTTP listens before the database is open.
import type pg from 'pg';
import type { QueueBackend } from '../../queue/cross-sell-queue.js';
import type { explainOrder } from '../../explain/explain-order.js';

export interface AdminDeps {
  pool: pg.Pool;
  queue: QueueBackend;
  /** ADMIN_TOKEN; unset disables the admin pages and API (404). */
  adminToken?: string;
  /** Defaults to explainOrder (src/explain/explain-order.ts). */
  explain?: typeof explainOrder;
}

export type AdminDepsSource = () => AdminDeps | undefined;
