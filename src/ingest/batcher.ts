// A micro-batcher: callers submit one item each; items that arrive together are handed to one
// batch function (after `maxWaitMs`, or at once when `maxSize` are waiting) and each caller gets
// its own item's result. At most `maxInFlight` batches run at once; while they do, the next batch
// gathers, so batches grow with the load instead of queueing one small batch after another.

/** One item's result from a batch: its value, or the error that item alone is answered with. */
export type ItemResult<O> = { ok: true; value: O } | { ok: false; error: unknown };

export interface BatcherOptions {
  /** How long the first item of a batch waits for company. */
  maxWaitMs: number;
  /** Items in one batch at most. */
  maxSize: number;
  /** Batches running at once. */
  maxInFlight?: number;
  /**
   * Send without a timer whenever fewer than `maxInFlight` batches run (`maxWaitMs` unused): the
   * items of one event-loop turn together, and what gathered meanwhile as soon as a batch is
   * answered (group commit).
   */
  eager?: boolean;
}

/** Returns one result per item, in the items' order; a throw fails every item of the batch. */
export type BatchFunction<I, O> = (items: I[]) => Promise<ItemResult<O>[]>;

interface Waiting<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

export class Batcher<I, O> {
  private pending: Waiting<I, O>[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** The oldest waiting item has waited its `maxWaitMs`. */
  private due = false;
  /** Eager: the end of the event-loop turn in which items were submitted. */
  private turn: NodeJS.Immediate | undefined;
  private inFlight = 0;
  private readonly idle = new Set<() => void>();

  constructor(
    private readonly run: BatchFunction<I, O>,
    private readonly opts: BatcherOptions,
  ) {
    if (!(opts.maxSize >= 1)) throw new Error('maxSize must be at least 1');
  }

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.pending.length >= this.opts.maxSize) this.due = true;
      else if (this.opts.eager) this.turn ??= setImmediate(() => this.endOfTurn());
      else if (!this.timer && !this.due) this.timer = setTimeout(() => this.expire(), this.opts.maxWaitMs);
      this.pump();
    });
  }

  /** Resolves once every item submitted so far has its answer (the waiting ones are sent now). */
  async drain(): Promise<void> {
    this.due = this.pending.length > 0;
    this.pump();
    if (this.pending.length === 0 && this.inFlight === 0) return;
    await new Promise<void>((resolve) => this.idle.add(resolve));
  }

  private endOfTurn(): void {
    this.turn = undefined;
    this.due = this.pending.length > 0;
    this.pump();
  }

  private expire(): void {
    this.timer = undefined;
    this.due = true;
    this.pump();
  }

  private pump(): void {
    while (this.due && this.pending.length > 0 && this.inFlight < (this.opts.maxInFlight ?? 1)) {
      const batch = this.pending.splice(0, this.opts.maxSize);
      // What is left was submitted later: it waits its own window, unless a full batch is ready.
      clearTimeout(this.timer);
      this.timer = undefined;
      this.due = this.pending.length >= this.opts.maxSize || (this.opts.eager === true && this.pending.length > 0);
      if (this.pending.length > 0 && !this.due) this.timer = setTimeout(() => this.expire(), this.opts.maxWaitMs);
      this.inFlight++;
      void this.flush(batch);
    }
  }

  private async flush(batch: Waiting<I, O>[]): Promise<void> {
    try {
      const results = await this.run(batch.map((w) => w.item));
      batch.forEach((w, i) => {
        const r = results[i];
        if (!r) w.reject(new Error(`batch function gave no result for item ${i}`));
        else if (r.ok) w.resolve(r.value);
        else w.reject(r.error);
      });
    } catch (err) {
      for (const w of batch) w.reject(err);
    } finally {
      this.inFlight--;
      // Items that gathered while this batch ran and have waited long enough go now.
      this.pump();
      if (this.pending.length === 0 && this.inFlight === 0) {
        for (const resolve of this.idle) resolve();
        this.idle.clear();
      }
    }
  }
}
