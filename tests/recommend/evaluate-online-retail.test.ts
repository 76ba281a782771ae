import { sharedPath } from '../support/shared.js';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/recommend/index.js';

// The real data set (541,909 lines) through the README protocol. About 10 s on 2 cores.
const data = sharedPath('data/online-retail/online-retail.csv.gz');

// The data set is part of ../shared: a missing file is a failure, not a skip.
describe('evaluate on Online Retail', () => {
  it(
    'reproduces the protocol (4,273 test invoices, popularity 0.0412) and beats 0.075',
    { timeout: 90_000 },
    async () => {
      const r = await evaluate(data, { split: new Date('2011-09-01T00:00:00Z'), windowDays: 30, k: 3 });
      expect(r.testOrders).toBe(4273);
      expect(r.baseline.popularityHits).toBe(176);
      expect(r.hitRate).toBeGreaterThanOrEqual(0.075);
      expect(r.seconds).toBeLessThan(90);
    },
  );
});
