// Where `aftercart eval` splits a history when not told, and the rolling-origin validation
// periods it reports beside the main split, so a setting is judged on more than one period.
//
// The protocol's shape (data/online-retail/README.md): the test period ends `window` before the
// last purchase and starts on the first of the month two months before that end (2011-09-01 on
// Online Retail, whose test period ends 2011-11-09). Validation periods move the origin back two
// months at a time, each testing the two months up to the next origin:
// train before 05-01 / test May–June, before 07-01 / July–August, then the split itself.
import type { Invoice } from '../import/purchases.js';

export interface Period {
  /** Train on invoices before this; test from it. */
  split: Date;
  /** End of the test period (exclusive). */
  until: Date;
}

/** The first of the month two months before the end of the test period (UTC). */
export function splitFromData(testEnd: number): Date {
  const end = new Date(testEnd);
  return new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() - 2, 1));
}

/**
 * The origins `split - 4 months` and `split - 2 months`, then the split up to `testEnd`; only
 * the periods with training and test invoices.
 */
export function validationPeriods(invoices: readonly Invoice[], split: Date, testEnd: number, count = 3): Period[] {
  const periods: Period[] = [{ split, until: new Date(testEnd) }];
  for (let back = 1; back < count; back++) {
    const origin = addMonths(split, -2 * back);
    periods.unshift({ split: origin, until: addMonths(origin, 2) });
  }
  return periods.filter((p) => {
    const { train, test } = periodCounts(invoices, p);
    return train > 0 && test > 0;
  });
}

/** Invoices a period trains on and tests. */
export function periodCounts(invoices: readonly Invoice[], p: Period): { train: number; test: number } {
  const split = p.split.getTime();
  const until = p.until.getTime();
  let train = 0,
    test = 0;
  for (const inv of invoices) {
    if (inv.at < split) train++;
    else if (inv.at < until) test++;
  }
  return { train, test };
}

function addMonths(d: Date, months: number): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, d.getUTCDate()));
}

/** `2011-09-01` */
export function isoDay(d: Date | number): string {
  return new Date(d).toISOString().slice(0, 10);
}
