// The embedded database (PGlite, real Postgres in WASM) under <dataDir>/pgdata, served to `pg`
// over a loopback socket. One process owns the directory (data-dir-owner.ts); every other
// command connects to the owner's socket, so all of them see and write the same data.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import type { PGlite } from '@electric-sql/pglite';
import type { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import type { Database } from './database.js';
import { useSessionQueue } from './pglite-session-queue.js';
import {
  claimDataDir,
  DataDirInUseError,
  isAlive,
  readOwner,
  type OwnerLock,
  type OwnerRecord,
} from './data-dir-owner.js';

export interface EmbeddedOptions {
  dataDir: string;
  max?: number;
  /**
   * 'own': a long-running process (start, serve, work, demo) that must own the data dir and
   * refuses while another owner lives. 'share': a command that uses the living owner's database,
   * or owns the dir itself until it closes.
   */
  role: 'own' | 'share';
  /** Named in the lock, and so in another command's refusal. */
  command: string;
}

export interface DatabaseReservation {
  open(): Promise<Database>;
  /** Gives the data dir back when `open` is never called (start-up failed before it). */
  release(): Promise<void>;
}

/** How long a command waits for a starting owner to open its database. */
const OWNER_WAIT_MS = 60_000;

/** Claims the data dir now (cheap), opens the database later: `start` refuses before binding its port. */
export async function reserveEmbedded(o: EmbeddedOptions): Promise<DatabaseReservation> {
  await mkdir(o.dataDir, { recursive: true });
  const claim = await claimDataDir(o.dataDir, o.command);
  if ('lock' in claim) return { open: () => openOwned(o, claim.lock), release: () => claim.lock.release() };
  if (o.role === 'own') throw new DataDirInUseError(o.dataDir, claim.owner);
  return { open: () => connectToOwner(o), release: async () => {} };
}

async function openOwned(o: EmbeddedOptions, lock: OwnerLock): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  let pglite: PGlite | undefined;
  let server: PGLiteSocketServer | undefined;
  try {
    const dir = path.join(o.dataDir, 'pgdata');
    await mkdir(dir, { recursive: true });
    pglite = await PGlite.create(dir);
    // PGlite is one session: the server queues each connection's messages, keeping a batch or
    // a transaction together (pglite-session-queue.ts), so other processes' pools share it
    // like ours does.
    server = new PGLiteSocketServer({ db: pglite, port: 0, host: '127.0.0.1', maxConnections: 64 });
    useSessionQueue(server, pglite);
    await server.start();
    await lock.publish(server.getServerConn());
  } catch (err) {
    await server?.stop().catch(() => {});
    await pglite?.close().catch(() => {});
    await lock.release();
    throw err;
  }
  const url = `postgres://postgres@${server.getServerConn()}/postgres`;
  const pool = newPool(url, o.max);
  const [db, socket] = [pglite, server];
  return {
    pool,
    url,
    embedded: true,
    pglite: db,
    async close() {
      // New commands wait for the lock to go (then own the dir themselves) rather than join.
      await lock.publish(undefined).catch(() => {});
      await pool.end().catch(() => {});
      // A command that owns the dir only for itself serves the commands that joined it until
      // they finish; a long-running owner stops (they see the connection close).
      if (o.role === 'share') await untilNoClients(socket);
      await socket.stop().catch(() => {});
      await db.close().catch(() => {});
      await lock.release();
    },
  };
}

/** A pool on the living owner's socket; owns the dir itself if the owner goes away meanwhile. */
async function connectToOwner(o: EmbeddedOptions): Promise<Database> {
  const deadline = Date.now() + OWNER_WAIT_MS;
  let last: OwnerRecord | undefined;
  while (Date.now() < deadline) {
    const owner = await readOwner(o.dataDir);
    if (!owner || !isAlive(owner)) {
      const claim = await claimDataDir(o.dataDir, o.command);
      if ('lock' in claim) return openOwned(o, claim.lock);
      continue;
    }
    last = owner;
    if (owner.address) {
      const url = `postgres://postgres@${owner.address}/postgres`;
      const pool = newPool(url, o.max);
      try {
        await pool.query('SELECT 1');
        return { pool, url, embedded: true, close: () => pool.end().catch(() => {}) };
      } catch {
        await pool.end().catch(() => {}); // the owner is starting or stopping: look again
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const who = last ? `aftercart ${last.command} (pid ${last.pid})` : 'its owner';
  throw new Error(
    `the data dir ${o.dataDir} is held by ${who}, whose database did not answer within ${OWNER_WAIT_MS / 1000} s`,
  );
}

function newPool(url: string, max = 10): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max });
  pool.on('error', () => {}); // an idle client dying is reported by the next query
  return pool;
}

async function untilNoClients(server: PGLiteSocketServer): Promise<void> {
  const since = Date.now();
  let said = false;
  for (;;) {
    // Our own pool has ended; its closed connections leave the count within a few ticks.
    await new Promise((r) => setTimeout(r, 50));
    const { activeConnections } = server.getStats();
    if (activeConnections === 0) return;
    if (!said && Date.now() - since > 1_000) {
      process.stderr.write('aftercart: waiting for other aftercart commands using this data dir to finish\n');
      said = true;
    }
  }
}
