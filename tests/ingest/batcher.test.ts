// The micro-batcher behind group commit, with a fake batch function that records each batch.
import { describe, expect, it } from 'vitest';
import { Batcher, type BatchFunction, type ItemResult } from '../../src/ingest/batcher.js';

/** A batch function that doubles each number, fails odd ones when asked, and can be held. */
function recorder(opts: { failOdd?: boolean } = {}) {
  const batches: number[][] = [];
  let hold: Promise<void> | undefined;
  let release = () => {};
  const run: BatchFunction<number, number> = async (items) => {
    batches.push([...items]);
    if (hold) await hold;
    return items.map((n): ItemResult<number> =>
      opts.failOdd && n % 2 === 1 ? { ok: false, error: new Error(`odd ${n}`) } : { ok: true, value: n * 2 },
    );
  };
  return {
    batches,
    run,
    holdNext() {
      hold = new Promise((r) => (release = r));
    },
    release() {
      hold = undefined;
      release();
    },
  };
}

describe('micro-batcher', () => {
  it('items submitted together go in one batch, and each caller gets its own result', async () => {
    const fake = recorder();
    const batcher = new Batcher(fake.run, { maxWaitMs: 5, maxSize: 64 });
    const answers = await Promise.all([1, 2, 3].map((n) => batcher.submit(n)));
    expect(answers).toEqual([2, 4, 6]);
    expect(fake.batches).toEqual([[1, 2, 3]]);
  });

  it('a full batch goes at once, without waiting for the timer', async () => {
    const fake = recorder();
    const batcher = new Batcher(fake.run, { maxWaitMs: 60_000, maxSize: 3 });
    const started = performance.now();
    expect(await Promise.all([1, 2, 3].map((n) => batcher.submit(n)))).toEqual([2, 4, 6]);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(fake.batches).toEqual([[1, 2, 3]]);
  });

  it('more than a batch is split at maxSize, in arrival order', async () => {
    const fake = recorder();
    const batcher = new Batcher(fake.run, { maxWaitMs: 5, maxSize: 2, maxInFlight: 1 });
    expect(await Promise.all([1, 2, 3, 4, 5].map((n) => batcher.submit(n)))).toEqual([2, 4, 6, 8, 10]);
    expect(fake.batches).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('a lone item goes after maxWaitMs', async () => {
    const fake = recorder();
    const batcher = new Batcher(fake.run, { maxWaitMs: 30, maxSize: 64 });
    const answer = batcher.submit(7);
    await new Promise((r) => setTimeout(r, 5));
    expect(fake.batches).toEqual([]); // still waiting for company
    expect(await answer).toBe(14);
    expect(fake.batches).toEqual([[7]]);
  });

  it("an item's own error is answered to its caller alone", async () => {
    const fake = recorder({ failOdd: true });
    const batcher = new Batcher(fake.run, { maxWaitMs: 5, maxSize: 64 });
    const answers = await Promise.allSettled([1, 2, 3, 4].map((n) => batcher.submit(n)));
    expect(answers.map((a) => (a.status === 'fulfilled' ? a.value : (a.reason as Error).message))).toEqual([
      'odd 1',
      4,
      'odd 3',
      8,
    ]);
    expect(fake.batches).toHaveLength(1);
  });

  it('a batch function that throws fails every caller of that batch, and the next batch still runs', async () => {
    let calls = 0;
    const batcher = new Batcher<number, number>(
      async (items) => {
        if (calls++ === 0) throw new Error('database down');
        return items.map((n) => ({ ok: true, value: n }));
      },
      { maxWaitMs: 5, maxSize: 64 },
    );
    const failed = await Promise.allSettled([1, 2].map((n) => batcher.submit(n)));
    expect(failed.map((a) => a.status === 'rejected' && (a.reason as Error).message)).toEqual([
      'database down',
      'database down',
    ]);
    expect(await batcher.submit(3)).toBe(3);
  });

  it('items arriving while a batch runs gather into the next one', async () => {
    const fake = recorder();
    const batcher = new Batcher(fake.run, { maxWaitMs: 1, maxSize: 64, maxInFlight: 1 });
    fake.holdNext();
    const first = batcher.submit(1);
    await new Promise((r) => setTimeout(r, 20));
    expect(fake.batches).toEqual([[1]]);
    const later = [2, 3, 4].map((n) => batcher.submit(n));
    await new Promise((r) => setTimeout(r, 20)); // their window passed while the first batch ran
    expect(fake.batches).toEqual([[1]]);
    fake.release();
    expect(await first).toBe(2);
    expect(await Promise.all(later)).toEqual([4, 6, 8]);
    expect(fake.batches).toEqual([[1], [2, 3, 4]]);
  });

  it('up to maxInFlight batches run at once', async () => {
    const fake = recorder();
    const batcher = new Batcher(fake.run, { maxWaitMs: 1, maxSize: 1, maxInFlight: 2 });
    fake.holdNext();
    const answers = [1, 2, 3].map((n) => batcher.submit(n));
    await new Promise((r) => setTimeout(r, 20));
    expect(fake.batches).toEqual([[1], [2]]); // the third waits for one of them
    fake.release();
    expect(await Promise.all(answers)).toEqual([2, 4, 6]);
    expect(fake.batches).toEqual([[1], [2], [3]]);
  });

  it('a result missing for an item rejects that item', async () => {
    const batcher = new Batcher<number, number>(async () => [{ ok: true, value: 1 }], { maxWaitMs: 1, maxSize: 2 });
    const answers = await Promise.allSettled([batcher.submit(1), batcher.submit(2)]);
    expect(answers[0]).toEqual({ status: 'fulfilled', value: 1 });
    expect(answers[1]!.status).toBe('rejected');
  });

  it('drain answers the waiting items now', async () => {
    const fake = recorder();
    const batcher = new Batcher(fake.run, { maxWaitMs: 60_000, maxSize: 64 });
    const answer = batcher.submit(5);
    await batcher.drain();
    expect(fake.batches).toEqual([[5]]);
    expect(await answer).toBe(10);
  });

  it('eager: the items of one turn go together without a timer, and those gathered meanwhile once answered', async () => {
    const fake = recorder();
    const batcher = new Batcher(fake.run, { maxWaitMs: 60_000, maxSize: 64, maxInFlight: 1, eager: true });
    fake.holdNext();
    const first = [batcher.submit(1), batcher.submit(7)];
    await new Promise((r) => setImmediate(r));
    expect(fake.batches).toEqual([[1, 7]]); // at the end of the turn, not after maxWaitMs
    const later = [2, 3].map((n) => batcher.submit(n));
    await new Promise((r) => setTimeout(r, 20));
    expect(fake.batches).toEqual([[1, 7]]); // the first batch still runs
    fake.release();
    expect(await Promise.all(first)).toEqual([2, 14]);
    expect(await Promise.all(later)).toEqual([4, 6]);
    expect(fake.batches).toEqual([
      [1, 7],
      [2, 3],
    ]);
  });
});
