// One `pg.Pool` for the whole process. With DATABASE_URL unset, an embedded PGlite (real
// Postgres in WASM) persisted under the data dir is served to `pg` over a loopback socket,
// so every query in the code base runs unchanged on both.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import type { PGlite } from '@electric-sql/pglite';
import type { PGLiteSocketServer } from '@electric-sql/pglite-socket';

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

export async function openDatabase(opts: { url?: string; dataDir: string; max?: number }): Promise<Database> {
  if (opts.url) {
    const pool = new pg.Pool({ connectionString: opts.url, max: opts.max ?? 10 });
    pool.on('error', () => {}); // an idle client dying is reported by the next query
    return { pool, url: opts.url, embedded: false, close: () => pool.end() };
  }
  return openEmbedded(opts.dataDir, opts.max);
}

async function openEmbedded(dataDir: string, max = 10): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const dir = path.join(dataDir, 'pgdata');
  await mkdir(dir, { recursive: true });
  const pglite = await PGlite.create(dir);
  const server: PGLiteSocketServer = new PGLiteSocketServer({ db: pglite, port: 0, host: '127.0.0.1', maxConnections: 64 });
  await server.start();
  const url = `postgres://postgres@${server.getServerConn()}/postgres`;
  const pool = new pg.Pool({ connectionString: url, max });
  pool.on('error', () => {});
  return {
    pool,
    url,
    embedded: true,
    pglite,
    async close() {
      await pool.end().catch(() => {});
      await server.stop().catch(() => {});
      await pglite.close().catch(() => {});
    },
  };
}
