// Decisions never throw on what stores really send: every optional field absent, null or empty,
// products nobody described. The timing decision (from a payload and from stored rows), the
// eligibility check and item picking, driven by fast-check.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decideOrderTiming,
  recordedFacts,
  timedLines,
  type RecordedLine,
  type RecordedOrder,
} from '../../src/timing/order-timing.js';
import { checkEligibility } from '../../src/eligibility/check-eligibility.js';
import { figuresFrom, type StoredFigures } from '../../src/eligibility/figures.js';
import { configSchema } from '../../src/config/schema.js';
import { pickItems, type CatalogItem } from '../../src/recommend/index.js';
import { modelOf } from '../recommend/helpers.js';
import { exampleTiming } from './support.js';

/** What a store or a SQL row may hold where a value is optional. */
const gap = fc.constantFrom(undefined, null, '', '   ');
const maybe = <T>(value: fc.Arbitrary<T>): fc.Arbitrary<T | null | undefined | string> => fc.oneof(gap, value);
const text = fc.string({ maxLength: 12 });
const tags = fc.oneof(gap, fc.constant([]), fc.array(maybe(text), { maxLength: 3 }));

const timing = exampleTiming({
  rules: [
    { when: { productType: ['Video Game Console'] }, after: 'order', delay: '2h' },
    { when: { vendor: ['Acme'], tags: ['sale'] }, after: 'paid', delay: '1d' },
    { when: { sku: ['SKU-1'] }, after: 'delivered', delay: '1d' },
    { when: { productId: ['P9'] }, skip: true },
    { when: { productType: ['Video Game'] }, after: 'order', delay: 'learned' },
  ],
});

const storedLine = fc.record({
  productId: fc.oneof(fc.constantFrom('P1', 'P9', 'unknown'), text),
  sku: maybe(text),
  productType: maybe(fc.constantFrom('Video Game Console', 'video game', 'Shirts')),
  vendor: maybe(fc.constantFrom('Acme', 'acme ', 'Other')),
  tags,
  quantity: fc.oneof(fc.integer({ min: -2, max: 5 }), fc.constant(Number.NaN)),
  unitPrice: maybe(fc.constantFrom('10.00', '0', 'abc', '-5.5')),
  returnedQuantity: fc.integer({ min: 0, max: 5 }),
}) as fc.Arbitrary<RecordedLine>;

const time = fc.oneof(
  fc.constant(null),
  fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }),
);
const storedOrder = fc.record({
  createdAt: time,
  paidAt: time,
  fulfilledAt: time,
  deliveredAt: time,
  cancelledAt: time,
  refundedAt: time,
  timezone: maybe(fc.constantFrom('America/New_York', 'Mars/Base', 'utc')),
  shippingCountry: maybe(fc.constantFrom('US', 'XX', 'de')),
  shippingProvince: maybe(fc.constantFrom('CA', 'Nowhere')),
}) as fc.Arbitrary<RecordedOrder>;

const STATUSES = ['waiting', 'scheduled', 'skipped', 'cancelled'];

describe('decisions on absent, null and empty fields', () => {
  it('timing from stored rows never throws, and names the products of no known type', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    fc.assert(
      fc.property(storedOrder, fc.array(storedLine, { maxLength: 5 }), (order, lines) => {
        const verdict = decideOrderTiming(recordedFacts(order, lines, now), timing, now);
        expect(STATUSES).toContain(verdict.status);
        const untyped = lines.filter((l) => typeof l.productType !== 'string').map((l) => l.productId);
        expect(verdict.timing.untyped ?? []).toEqual(expect.arrayContaining(untyped));
      }),
      { numRuns: 400 },
    );
  });

  it('timing from a payload (lines exactly as a store sent them) never throws', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    fc.assert(
      fc.property(fc.array(storedLine, { maxLength: 5 }), time, (lines, created) => {
        const facts = {
          lines: lines as never,
          milestones: { order: created ?? now },
          cancelledAt: null,
          refundedAt: null,
        };
        expect(STATUSES).toContain(decideOrderTiming(facts, timing, now).status);
        expect(timedLines(lines).every((l) => l.productType === undefined || typeof l.productType === 'string')).toBe(
          true,
        );
      }),
      { numRuns: 300 },
    );
  });

  it('eligibility never throws on figures with fields absent or null', () => {
    const policy = configSchema.parse({}).eligibility;
    const num = maybe(fc.integer({ min: 0, max: 9 }));
    const figures = fc.record(
      {
        hasEmail: fc.oneof(gap, fc.boolean()),
        marketingConsent: fc.oneof(gap, fc.boolean()),
        suppression: fc.oneof(gap, fc.constant('bounced')),
        orders: num,
        unitsBought: num,
        unitsReturned: num,
        valueBought: maybe(fc.constant('10.00')),
        valueReturned: maybe(fc.constant('1.00')),
        serviceOrders: num,
        ticketsOpened: num,
        openTickets: num,
        recentEmails: num,
      },
      { requiredKeys: [] },
    ) as fc.Arbitrary<StoredFigures>;
    fc.assert(
      fc.property(figures, (stored) => {
        const verdict = checkEligibility(figuresFrom(stored), policy, { max: 1 });
        expect(typeof verdict.eligible).toBe('boolean');
      }),
      { numRuns: 300 },
    );
  });

  it('item picking never throws on unknown products and items with fields absent', () => {
    const item = fc.record(
      {
        id: fc.constantFrom('P1', 'P2', 'P3', 'P4'),
        title: fc.oneof(fc.constant(''), text),
        productType: fc.oneof(fc.constant(undefined), fc.constant(''), fc.constantFrom('Cable', 'Video Game Console')),
        available: fc.oneof(fc.constant(undefined), fc.boolean()),
        price: fc.oneof(fc.constant(undefined), fc.constantFrom('1.00', 'x')),
        complements: fc.oneof(
          fc.constant(undefined),
          fc.array(fc.record({ id: fc.constantFrom('P2', 'P3', 'ghost') }), { maxLength: 3 }),
        ),
      },
      { requiredKeys: ['id', 'title'] },
    ) as fc.Arbitrary<CatalogItem>;
    const bought = fc.array(
      fc.record(
        {
          productId: fc.constantFrom('P1', 'P2', 'unknown'),
          title: fc.oneof(fc.constant(''), text),
          productType: fc.oneof(fc.constant(undefined), fc.constant(''), fc.constant('Cable')),
          unitPrice: fc.oneof(fc.constant(undefined), fc.constantFrom('9.99', 'bad')),
        },
        { requiredKeys: ['productId', 'title'] },
      ),
      { maxLength: 3 },
    );
    fc.assert(
      fc.property(fc.array(item, { maxLength: 4 }), bought, (items, lines) => {
        const byId = new Map(items.map((i) => [i.id, i]));
        const r = pickItems(
          { bought: lines, owned: new Set(['P4']), returned: new Set(), offered: new Set() },
          (id) => byId.get(id),
          modelOf({
            P1: [
              ['P3', 0.5],
              ['ghost', 0.4],
            ],
          }),
          { maxItems: 3, typeComplements: {} },
        );
        expect(r.items.length).toBeLessThanOrEqual(3);
        for (const i of r.items) expect(byId.has(i.productId)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
