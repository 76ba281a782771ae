// PGlite is one Postgres session; pglite-socket 0.2.17 shares it between connections by queueing
// their protocol messages one at a time, keeping one connection first only inside a transaction
// (upstream issue electric-sql/pglite#1046). Two faults follow, both seen here under concurrent
// webhooks: an extended-protocol batch (Parse/Bind/Execute/Sync) of one connection interleaves
// with another's, which replaces its unnamed statement ("unnamed prepared statement does not
// exist", or another query's rows); and one failed message stops the queue for good, hanging
// every later query. This queue keeps a connection first from its first message of a batch to
// its Sync (and through a transaction), and goes on after a failure.
import type { PGlite } from '@electric-sql/pglite';
import type { PGLiteSocketServer } from '@electric-sql/pglite-socket';

interface Queued {
  handlerId: number;
  message: Uint8Array;
  onData(data: Uint8Array): void;
  resolve(bytes: number): void;
  reject(err: Error): void;
}

/** Frontend messages after which the session holds state for the sender until its Sync. */
const MID_BATCH = new Set(['P', 'B', 'D', 'E', 'C', 'H'].map((c) => c.charCodeAt(0)));
const SYNC = new Uint8Array([0x53, 0, 0, 0, 4]);

/** The interface pglite-socket's connection handler calls (its own queue class is not exported). */
export class SessionQueue {
  private queue: Queued[] = [];
  private processing = false;
  /** The connection the session belongs to until its batch or transaction ends. */
  private holder: number | null = null;

  constructor(private readonly db: PGlite) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ handlerId, message, onData, resolve, reject });
      void this.process();
    });
  }

  getQueueLength(): number {
    return this.queue.length;
  }

  clearQueueForHandler(handlerId: number): void {
    for (const q of this.queue.filter((q) => q.handlerId === handlerId)) q.reject(new Error('Handler disconnected'));
    this.queue = this.queue.filter((q) => q.handlerId !== handlerId);
  }

  /** A connection that leaves mid-batch or mid-transaction gives the session back clean. */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.holder !== handlerId) return;
    // Sync ends a batch left open; exec takes PGlite's own locks, so it runs outside runExclusive.
    await this.db.runExclusive(() => this.db.execProtocolRaw(SYNC)).catch(() => {});
    if (this.db.isInTransaction()) await this.db.exec('ROLLBACK').catch(() => {});
    this.holder = null;
    void this.process();
  }

  private next(): Queued | undefined {
    if (this.holder === null) return this.queue.shift();
    const i = this.queue.findIndex((q) => q.handlerId === this.holder);
    return i === -1 ? undefined : this.queue.splice(i, 1)[0]; // undefined: wait for the holder
  }

  private async process(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    try {
      for (let queued = this.next(); queued; queued = this.next()) {
        let bytes = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(queued!.message, {
              onRawData: (data) => ((bytes += data.length), queued!.onData(data)),
            }),
          );
        } catch (err) {
          queued.reject(err as Error); // the handler closes that connection; the others go on
          continue;
        }
        this.holder = MID_BATCH.has(queued.message[0]!) || this.db.isInTransaction() ? queued.handlerId : null;
        queued.resolve(bytes);
      }
    } finally {
      this.processing = false;
    }
  }
}

/** Puts the queue in place of the server's own before it accepts a connection. */
export function useSessionQueue(server: PGLiteSocketServer, db: PGlite): void {
  const target = server as unknown as { queryQueue?: unknown };
  // Fails loudly if an upgrade of pglite-socket renames the field, rather than silently regressing.
  if (!target.queryQueue)
    throw new Error(
      'pglite-socket has no queryQueue to replace: check src/db/pglite-session-queue.ts against this version',
    );
  target.queryQueue = new SessionQueue(db);
}
