// What the admin routes need, handed over lazily: HTTP listens before the database is open.
import type pg from 'pg';
import type { QueueBackend } from '../../queue/cross-sell-queue.js';
import type { explainOrder } from '../../explain/explain-order.js';
import type { Config } from '../../config/schema.js';

export interface AdminDeps {
  pool: pg.Pool;
  queue: QueueBackend;
  /** ADMIN_TOKEN; unset disables the admin pages and API (404). */
  adminToken?: string;
  /** The config in force: explain words its limits and rules from it. */
  config?: () => Config;
  /** Defaults to explainOrder (src/explain/explain-order.ts). */
  explain?: typeof explainOrder;
}

export type AdminDepsSource = () => AdminDeps | undefined;
