// Each rule: a control where X wins, then the same case with only the rule's condition added,
// where X must lose to Y. Without the rule the second half would return X.
import { describe, expect, it } from 'vitest';
import { pickItems, type CatalogItem, type PickInput } from '../../src/recommend/index.js';
import { catalogOf, console_, inputOf, modelOf } from './helpers.js';

const X: CatalogItem = { id: 'X', title: 'Headset', productType: 'Headset' };
const Y: CatalogItem = { id: 'Y', title: 'Charging Dock', productType: 'Dock' };
const model = modelOf({
  P1: [
    ['X', 0.9],
    ['Y', 0.5],
  ],
});
const limits = { maxItems: 1, typeComplements: {} };

function first(input: PickInput, items: CatalogItem[] = [console_, X, Y]): string | undefined {
  return pickItems(input, catalogOf(items), model, limits).items[0]?.productId;
}

describe('filters', () => {
  it('control: X wins when nothing rules it out', () => {
    expect(first(inputOf())).toBe('X');
  });

  it('not in this order', () => {
    // Untyped, so the same-type rule cannot be what stops it.
    const untypedX = { id: 'X', title: 'Headset' };
    const bought = [...inputOf().bought, { productId: 'X', title: 'Headset' }];
    expect(first(inputOf(), [console_, untypedX, Y])).toBe('X');
    expect(first(inputOf({ bought }), [console_, untypedX, Y])).toBe('Y');
  });

  it('not owned before', () => {
    expect(first(inputOf({ owned: new Set(['X']) }))).toBe('Y');
  });

  it('not owned before, also when known only from the history', () => {
    expect(first(inputOf({ history: [{ productId: 'X', at: new Date('2024-01-01') }] }))).toBe('Y');
  });

  it('not returned by them', () => {
    expect(first(inputOf({ returned: new Set(['X']) }))).toBe('Y');
  });

  it('available (only available === false excludes)', () => {
    expect(first(inputOf(), [console_, { ...X, available: true }, Y])).toBe('X');
    expect(first(inputOf(), [console_, { ...X, available: false }, Y])).toBe('Y');
  });

  it('not the same product type as a bought line (case and spaces ignored)', () => {
    expect(first(inputOf(), [console_, { ...X, productType: ' video game console' }, Y])).toBe('Y');
  });

  it("the bought line's type is taken from the catalog when the line has none", () => {
    const bought = [{ productId: 'P1', title: 'Console X' }];
    expect(first(inputOf({ bought }), [console_, { ...X, productType: 'Video Game Console' }, Y])).toBe('Y');
  });

  it("not in a bought product's upsells", () => {
    expect(first(inputOf(), [{ ...console_, upsells: ['X'] }, X, Y])).toBe('Y');
  });

  it('not offered before', () => {
    expect(first(inputOf({ offered: new Set(['X']) }))).toBe('Y');
  });

  it('not an unknown product (nothing to show or link to)', () => {
    expect(first(inputOf(), [console_, Y])).toBe('Y');
  });

  it('one item per product type; untyped items count as their own', () => {
    const m = modelOf({
      P1: [
        ['X', 0.9],
        ['X2', 0.8],
        ['Y', 0.5],
        ['U1', 0.4],
        ['U2', 0.3],
      ],
    });
    const items = [
      console_,
      X,
      { id: 'X2', title: 'Headset Pro', productType: 'headset' },
      Y,
      { id: 'U1', title: 'Sticker' },
      { id: 'U2', title: 'Poster' },
    ];
    const picked = pickItems(inputOf(), catalogOf(items), m, { maxItems: 3, typeComplements: {} }).items.map(
      (i) => i.productId,
    );
    expect(picked).toEqual(['X', 'Y', 'U1']);
    const untyped = pickItems(
      inputOf(),
      catalogOf(items),
      modelOf({
        P1: [
          ['U1', 0.4],
          ['U2', 0.3],
        ],
      }),
      { maxItems: 3, typeComplements: {} },
    );
    expect(untyped.items.map((i) => i.productId)).toEqual(['U1', 'U2']);
  });

  it('at most maxItems', () => {
    const m = modelOf({
      P1: [
        ['X', 0.9],
        ['Y', 0.5],
        ['U1', 0.4],
      ],
    });
    const items = [console_, X, Y, { id: 'U1', title: 'Sticker' }];
    expect(pickItems(inputOf(), catalogOf(items), m, { maxItems: 2, typeComplements: {} }).items).toHaveLength(2);
    expect(pickItems(inputOf(), catalogOf(items), m, { maxItems: 3, typeComplements: {} }).items).toHaveLength(3);
  });

  it('rules apply to declared complements too', () => {
    const withComplement = { ...console_, complements: [{ id: 'X', required: true }] };
    const r = pickItems(inputOf({ owned: new Set(['X']) }), catalogOf([withComplement, X, Y]), modelOf({}), limits);
    expect(r.items.map((i) => i.productId)).toEqual([]);
    expect(r.reason).toBe('no_complements');
  });
});
