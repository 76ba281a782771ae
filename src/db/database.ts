// One `pg.Pool` for the whole process. With DATABASE_URL unset, an embedded PGlite (real
// Postgres in WASM) persisted under the data dir is served to `pg` over a loopback socket,
// so every query in the code base runs unchanged on both.
import pg from 'pg';
import type { PGlite } from '@electric-sql/pglite';
import { reserveEmbedded, type DatabaseReservation, type EmbeddedOptions } from './embedded.js';

// Postgres numerics and bigints come back as strings (money stays exact); counts are parsed
// where they are read.
export interface Database {
  pool: pg.Pool;
  /** The connection string the pool uses (the embedded socket's when embedded). */
  url: string;
  embedded: boolean;
  /** In-process session of the embedded database (shared by every client on it). */
  pglite?: PGlite;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  url?: string;
  dataDir: string;
  max?: number;
  timeoutMs?: number;
  /** Embedded only (see embedded.ts): 'share' (default) joins a living owner, 'own' refuses while one lives. */
  role?: EmbeddedOptions['role'];
  /** Embedded only: the command named in the data dir's lock. */
  command?: string;
}

export async function openDatabase(opts: OpenDatabaseOptions): Promise<Database> {
  if (opts.url) {
    const pool = new pg.Pool({ connectionString: opts.url, max: opts.max ?? 10, ...boundedWaits(opts.timeoutMs) });
    pool.on('error', () => {}); // an idle client dying is reported by the next query
    return { pool, url: opts.url, embedded: false, close: () => pool.end() };
  }
  return (await reserveDatabase(opts)).open();
}

/**
 * Claims the embedded data dir now and opens the database on `open()`; with a url there is
 * nothing to claim. Long-running processes call it before binding their port.
 */
export async function reserveDatabase(opts: OpenDatabaseOptions): Promise<DatabaseReservation> {
  if (opts.url) return { open: () => openDatabase(opts), release: async () => {} };
  return reserveEmbedded({
    dataDir: opts.dataDir,
    max: opts.max,
    role: opts.role ?? 'share',
    command: opts.command ?? 'command',
  });
}

/**
 * A server that accepts connections but never answers must not hang a webhook or /readyz: the
 * wait for a connection, the server's statement time and (a stalled network) the wait for any
 * answer are bounded. Only for the receiver's and workers' pool; long statements (imports,
 * migrations, the co-purchase rebuild, the bench) open theirs without it.
 */
function boundedWaits(ms: number | undefined): pg.PoolConfig {
  if (!ms) return {};
  // The server cancels its own statement first (57014, the connection stays usable); the read
  // timeout is for a server that cannot even do that.
  return { connectionTimeoutMillis: ms, statement_timeout: ms, query_timeout: ms + 500 };
}
