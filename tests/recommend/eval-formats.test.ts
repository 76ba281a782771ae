// `aftercart eval` reads every format `import orders` reads, with the import's product ids and
// required columns; split checkouts merge; the split and validation periods come from the data.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluate, loadPurchases } from '../../src/recommend/index.js';
import { mergeSplitCheckouts, type Invoice } from '../../src/import/purchases.js';
import { isoDay, splitFromData, validationPeriods } from '../../src/recommend/periods.js';
import { tempDir } from '../support/services.js';

const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);
// The hand-worked figures are cosine's (evaluate.test.ts); the default model is EASE.
const opts = { split: new Date('2011-01-10T00:00:00Z'), windowDays: 10, k: 2, model: { metric: 'cosine' as const } };

/** A copy of a fixture with one header cell renamed. */
async function renamed(name: string, from: string, to: string): Promise<string> {
  const text = await readFile(fixture(name), 'utf8');
  const [header, ...rest] = text.split('\n');
  const cells = header!.split(',').map((c) => (c === from ? to : c));
  const path = join(await tempDir(), name);
  await writeFile(path, [cells.join(','), ...rest].join('\n'));
  return path;
}

describe('eval reads every order history format', () => {
  // tiny-retail.csv's purchases written in each format (see evaluate.test.ts for the hand-worked
  // figures). Plain co-occurrence, no history: 200001 {A} → B hits; 200003 {B} → A misses;
  // 200004 {C} has no neighbours: 1/7. The Online Retail II file writes two invoices' stock
  // codes in lower case ("pa", "pc") and customer ids as floats ("5.0").
  it.each([
    ['tiny-retail.csv', 'online-retail'],
    ['tiny-retail-ii.csv', 'online-retail'],
    ['tiny-shopify-orders.csv', 'shopify-orders'],
    ['tiny-orders.jsonl', 'canonical-jsonl'],
  ])('%s gives the hand-worked figures', async (name, format) => {
    expect((await loadPurchases(fixture(name))).format).toBe(format);
    const r = await evaluate(fixture(name), opts);
    expect(r).toMatchObject({
      testOrders: 7,
      hits: 2,
      trainInvoices: 4,
      baseline: { popularityHits: 4, cooccurrenceHits: 1, cooccurrence: 0.1429 },
    });
  });

  it('normalises stock codes as the import does: "pa" is product PA', async () => {
    const data = await loadPurchases(fixture('tiny-retail-ii.csv'));
    expect(data.invoices.find((i) => i.invoice === '200001')).toMatchObject({ customer: '5', products: ['PA'] });
    expect([...data.titles.keys()].sort()).toEqual(['PA', 'PB', 'PC', 'PD', 'PE']);
  });

  it.each([
    ['tiny-retail.csv', 'UnitPrice', 'Unit Price', /tiny-retail\.csv: no "UnitPrice" column/],
    ['tiny-retail.csv', 'CustomerID', 'Customer', /no "CustomerID" column/],
    ['tiny-retail-ii.csv', 'Price', 'Cost', /no "UnitPrice" column \(an Online Retail file needs/],
    ['tiny-retail-ii.csv', 'Customer ID', 'Client', /no "CustomerID" column/],
    ['tiny-shopify-orders.csv', 'Email', 'E-mail', /no "Email" column \(a Shopify orders export needs/],
    ['tiny-shopify-orders.csv', 'Lineitem price', 'Price', /no "Lineitem price" column/],
  ])('%s without its %s column is refused, naming it', async (name, from, to, message) => {
    const path = await renamed(name, from, to);
    await expect(loadPurchases(path)).rejects.toThrow(message);
  });

  it('canonical JSON lines without a required field are refused line by line, naming the field', async () => {
    const text = await readFile(fixture('tiny-orders.jsonl'), 'utf8');
    const path = join(await tempDir(), 'no-created-at.jsonl');
    await writeFile(path, text.replaceAll('"createdAt"', '"created"'));
    const data = await loadPurchases(path);
    expect(data.invoices).toEqual([]);
    expect(data.errors[0]).toMatchObject({ line: 1, error: expect.stringMatching(/^createdAt: /) });
  });
});

describe('split checkouts', () => {
  const inv = (invoice: string, customer: string, minute: number, products: string[]): Invoice => ({
    invoice,
    customer,
    at: Date.UTC(2011, 0, 1, 10) + minute * 60_000,
    products,
  });

  it("merges a customer's invoices placed less than the gap after the previous one, chained", () => {
    const merged = mergeSplitCheckouts(
      [
        inv('1', 'a', 0, ['X']),
        inv('2', 'b', 10, ['Y']),
        inv('3', 'a', 40, ['Y', 'X']),
        inv('4', 'a', 95, ['Z']),
        inv('5', 'a', 155, ['W']),
      ],
      3_600_000,
    );
    // 3 is 40 min after 1, 4 is 55 min after 3; 5 is exactly an hour after 4: not merged.
    expect(merged.map((i) => [i.invoice, i.customer, i.products])).toEqual([
      ['1', 'a', ['X', 'Y', 'Z']],
      ['2', 'b', ['Y']],
      ['5', 'a', ['W']],
    ]);
  });
});

describe('the split and validation periods taken from the data', () => {
  it.each([
    ['2011-11-09', '2011-09-01'], // Online Retail: the protocol's own split
    ['2024-03-01', '2024-01-01'],
    ['2024-02-29', '2023-12-01'],
  ])('a test period ending %s starts %s', (end, split) => {
    expect(isoDay(splitFromData(Date.parse(`${end}T00:00:00Z`)))).toBe(split);
  });

  it('moves the origin back two months at a time, keeping periods with training and test orders', () => {
    const at = (day: string) => Date.parse(`${day}T12:00:00Z`);
    const invoices = ['2011-03-10', '2011-05-10', '2011-07-10', '2011-09-10'].map((d, i) => ({
      invoice: String(i),
      customer: 'c',
      at: at(d),
      products: ['X'],
    }));
    const periods = validationPeriods(invoices, new Date('2011-09-01T00:00:00Z'), Date.parse('2011-11-09T00:00:00Z'));
    expect(periods.map((p) => [isoDay(p.split), isoDay(p.until)])).toEqual([
      ['2011-05-01', '2011-07-01'],
      ['2011-07-01', '2011-09-01'],
      ['2011-09-01', '2011-11-09'],
    ]);
    // Nothing before May: the first period has no training orders.
    expect(
      validationPeriods(invoices.slice(1), new Date('2011-09-01T00:00:00Z'), Date.parse('2011-11-09T00:00:00Z')),
    ).toHaveLength(2);
  });
});
