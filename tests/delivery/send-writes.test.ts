// The writes of concurrent sends go to Postgres together (workers/send-writes.ts), and each
// caller still gets its own row's answer: a duplicated claim in one batch claims once, a
// customer's second order in the batch hears 'busy' alone, and a DATA mark only marks the
// holder's claim.
import { describe, expect, it } from 'vitest';
import { missing } from '../support/services.js';
import { isUniqueViolation } from '../../src/db/errors.js';
import { sendWrites } from '../../workers/send-writes.js';
import { crossSellOf, deliverySuite } from './support.js';

describe.skipIf(missing('postgres', 'redis'))('batched send writes', () => {
  const suite = deliverySuite();
  const writes = () => sendWrites(suite.app.db.pool, true);
  const claim = (id: string) => ({ id, items: [{ productId: 'P2' }], figures: { orders: 1 }, leaseMs: 12_000 });
  // Writes submitted in one event-loop turn go as one batch.

  it('claims a cross-sell listed twice in one batch once, and another beside it', async () => {
    const a = await suite.dueCrossSell('9101', 'ada@example.com');
    const b = await suite.dueCrossSell('9102', 'bob@example.com');
    const results = await Promise.all([writes().claim(claim(a)), writes().claim(claim(a)), writes().claim(claim(b))]);
    expect(results).toEqual([1, null, 1]);
    expect(await crossSellOf(suite.app, '9101')).toMatchObject({
      status: 'sending',
      attempts: 1,
      items: [{ productId: 'P2' }],
    });
    expect(await crossSellOf(suite.app, '9102')).toMatchObject({ status: 'sending', attempts: 1 });
  });

  it("a customer's two orders in one batch: one claimed, the other busy, a third customer's claimed", async () => {
    const first = await suite.dueCrossSell('9103', 'cy@example.com');
    const second = await suite.dueCrossSell('9104', 'cy@example.com');
    const other = await suite.dueCrossSell('9105', 'dee@example.com');
    const results = await Promise.allSettled([first, second, other].map((id) => writes().claim(claim(id))));
    const busy = results.filter((r) => r.status === 'rejected');
    expect(busy).toHaveLength(1);
    expect(isUniqueViolation((busy[0] as PromiseRejectedResult).reason)).toBe(true);
    expect(results.filter((r) => r.status === 'fulfilled' && r.value === 1)).toHaveLength(2);
    expect(results[2]).toEqual({ status: 'fulfilled', value: 1 });
  });

  it("marks DATA only under the holder's claim, and records the sends of one batch", async () => {
    const a = await suite.dueCrossSell('9106', 'eli@example.com');
    const b = await suite.dueCrossSell('9107', 'fox@example.com');
    await Promise.all([writes().claim(claim(a)), writes().claim(claim(b))]);
    const marked = await Promise.all([
      writes().dataStarted({ id: a, attempt: 1, messageId: '<a@x>' }),
      writes().dataStarted({ id: b, attempt: 2, messageId: '<b@x>' }),
    ]);
    expect(marked).toEqual([true, false]);
    const sentAt = new Date();
    await Promise.all([
      writes().sent({ id: a, sentAt, messageId: '<a@x>', siblingIds: [] }),
      writes().sent({ id: b, sentAt, messageId: '<b@x>', siblingIds: [] }),
    ]);
    expect(await crossSellOf(suite.app, '9106')).toMatchObject({ status: 'sent', message_id: '<a@x>' });
    expect(await crossSellOf(suite.app, '9107')).toMatchObject({ status: 'sent', message_id: '<b@x>' });
  });
});
