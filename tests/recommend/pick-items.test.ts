import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  pickItems,
  scoreCandidates,
  anchorsFor,
  DEFAULT_WEIGHTING,
  type CatalogItem,
} from '../../src/recommend/index.js';
import { catalogOf, console_, inputOf, modelOf } from './helpers.js';

const adapter: CatalogItem = { id: 'P3', title: 'Power Adapter', productType: 'Adapter' };
const controller: CatalogItem = { id: 'P2', title: 'Controller', productType: 'Controller', price: '59.99' };
const headset: CatalogItem = { id: 'Z', title: 'Headset', productType: 'Headset' };
const none = { maxItems: 3, typeComplements: {} };

describe('sources in rank order', () => {
  it('a required accessory comes first, with "Needed to use your X"', () => {
    const p1 = { ...console_, complements: [{ id: 'P2' }, { id: 'P3', required: true }] };
    const r = pickItems(inputOf(), catalogOf([p1, controller, adapter]), modelOf({}), none);
    expect(r.items).toEqual([
      {
        productId: 'P3',
        title: 'Power Adapter',
        source: 'required',
        score: 0,
        reason: 'Needed to use your Console X',
        reasonCode: 'needed_for',
        anchorProductId: 'P1',
        anchorTitle: 'Console X',
      },
      {
        productId: 'P2',
        title: 'Controller',
        source: 'declared',
        score: 0,
        reason: 'Goes with your Console X',
        reasonCode: 'goes_with',
        anchorProductId: 'P1',
        anchorTitle: 'Console X',
      },
    ]);
    expect(r.reason).toBeNull();
  });

  it("required accessories of every bought line come before any line's declared complements", () => {
    const p1 = { ...console_, complements: [{ id: 'P2' }] };
    const game = { id: 'G', title: 'Game', productType: 'Video Game', complements: [{ id: 'P3', required: true }] };
    const bought = [...inputOf().bought, { productId: 'G', title: 'Game' }];
    const r = pickItems(inputOf({ bought }), catalogOf([p1, game, controller, adapter]), modelOf({}), none);
    expect(r.items.map((i) => [i.productId, i.source, i.anchorProductId])).toEqual([
      ['P3', 'required', 'G'],
      ['P2', 'declared', 'P1'],
    ]);
  });

  it('declared complements come before learned co-purchase, whatever the scores', () => {
    const p1 = { ...console_, complements: [{ id: 'P2' }] };
    const r = pickItems(
      inputOf(),
      catalogOf([p1, controller, headset]),
      modelOf({
        P1: [
          ['Z', 0.99],
          ['P2', 0.1],
        ],
      }),
      none,
    );
    expect(r.items.map((i) => [i.productId, i.source, i.score])).toEqual([
      ['P2', 'declared', 0.1],
      ['Z', 'copurchase', 0.99],
    ]);
    expect(r.items[1]).toMatchObject({
      reason: 'Often bought with Console X',
      reasonCode: 'often_bought_with',
      anchorProductId: 'P1',
    });
  });

  describe('type complements (config typeComplements)', () => {
    const games: CatalogItem[] = [
      { id: 'G1', title: 'Big Game', productType: 'Video Game', price: '60.00' },
      { id: 'G2', title: 'Small Game', productType: 'Video Game', price: '20.00' },
      { id: 'G3', title: 'Sold Out Game', productType: 'Video Game', price: '5.00', available: false },
    ];
    const all = [console_, ...games, controller, headset];
    const byType = (t: string) => all.filter((i) => i.productType?.toLowerCase() === t.toLowerCase());
    const limits = {
      maxItems: 3,
      typeComplements: { 'video game console': ['Video Game', 'Controller'] },
      productsOfType: byType,
    };

    it('offers available products of the complement types, cheapest first without evidence', () => {
      const r = pickItems(inputOf(), catalogOf(all), modelOf({}), limits);
      expect(r.items.map((i) => [i.productId, i.source, i.reason])).toEqual([
        ['G2', 'type', 'Goes with your Console X'],
        ['P2', 'type', 'Goes with your Console X'],
      ]);
    });

    it('the product with the best co-purchase score wins within a type; learned items fill after', () => {
      const r = pickItems(
        inputOf(),
        catalogOf(all),
        modelOf({
          P1: [
            ['Z', 0.9],
            ['G1', 0.3],
          ],
        }),
        limits,
      );
      expect(r.items.map((i) => [i.productId, i.source])).toEqual([
        ['G1', 'type'],
        ['P2', 'type'],
        ['Z', 'copurchase'],
      ]);
    });

    it('come after declared complements', () => {
      const p1 = { ...console_, complements: [{ id: 'Z' }] };
      const r = pickItems(inputOf(), catalogOf([p1, ...games, controller, headset]), modelOf({}), limits);
      expect(r.items.map((i) => i.source)).toEqual(['declared', 'type', 'type']);
    });

    it('are skipped without a productsOfType lookup', () => {
      const r = pickItems(inputOf(), catalogOf(all), modelOf({}), {
        maxItems: 3,
        typeComplements: limits.typeComplements,
      });
      expect(r.reason).toBe('no_complements');
    });
  });
});

describe('one per type deep in the learned list', () => {
  it('keeps looking past many same-type candidates', () => {
    const cables = Array.from({ length: 40 }, (_, i) => ({
      id: `K${String(i).padStart(2, '0')}`,
      title: `Cable ${i}`,
      productType: 'Cable',
    }));
    const lists = {
      P1: [...cables.map((c, i) => [c.id, 0.9 - i * 0.01] as [string, number]), ['Z', 0.001] as [string, number]],
    };
    const r = pickItems(inputOf(), catalogOf([console_, ...cables, headset]), modelOf(lists), {
      ...none,
      weighting: { historyWeight: 0.5, decayDays: 90, perAnchor: 100 },
    });
    expect(r.items.map((i) => i.productId)).toEqual(['K00', 'Z']);
    expect(r.considered).toBe(41);
  });
});

describe('upsells are never cross-sold', () => {
  it('an upsell listed by the bought product is skipped from every source', () => {
    const p1 = { ...console_, upsells: ['PRO', 'P2'], complements: [{ id: 'P2' }] };
    const pro = { id: 'PRO', title: 'Console X Pro', productType: 'Console Bundle' };
    const r = pickItems(
      inputOf(),
      catalogOf([p1, pro, controller, headset]),
      modelOf({
        P1: [
          ['PRO', 0.9],
          ['Z', 0.2],
        ],
      }),
      none,
    );
    expect(r.items.map((i) => i.productId)).toEqual(['Z']);
  });
});

describe('history', () => {
  const cable = { id: 'C', title: 'HDMI Cable', productType: 'Cable' };
  const tv = { id: 'TV', title: 'Television', productType: 'TV' };

  it('earlier purchases anchor suggestions too, and the email names that anchor', () => {
    const r = pickItems(
      inputOf({ history: [{ productId: 'TV', at: new Date('2024-01-01') }], at: new Date('2024-01-31') }),
      catalogOf([console_, tv, cable]),
      modelOf({ TV: [['C', 0.5]] }),
      none,
    );
    expect(r.items).toMatchObject([
      { productId: 'C', anchorProductId: 'TV', anchorTitle: 'Television', reason: 'Often bought with Television' },
    ]);
  });

  it('this order outweighs an old purchase; a recent one can tip the balance', () => {
    const catalog = catalogOf([console_, tv, cable, headset]);
    const model = modelOf({ P1: [['Z', 0.6]], TV: [['C', 0.5]] });
    const at = new Date('2024-06-01');
    const old = pickItems(inputOf({ history: [{ productId: 'TV', at: new Date('2023-01-01') }], at }), catalog, model, {
      ...none,
      maxItems: 1,
    });
    expect(old.items[0].productId).toBe('Z');
    const recent = pickItems(
      inputOf({ history: [{ productId: 'TV', at: new Date('2024-05-31') }], at }),
      catalog,
      model,
      { ...none, maxItems: 1 },
    );
    // History weight 1 (rolling-origin validation): a purchase a day old counts about as much as this order.
    expect(recent.items[0].productId).toBe('Z'); // 0.99 × 0.5 < 0.6
    const twice = modelOf({ P1: [['Z', 0.4]], TV: [['C', 0.5]] });
    const tipped = pickItems(
      inputOf({ history: [{ productId: 'TV', at: new Date('2024-05-31') }], at }),
      catalog,
      twice,
      { ...none, maxItems: 1 },
    );
    expect(tipped.items[0].productId).toBe('C'); // 0.49 > 0.4
  });
});

describe('no_complements', () => {
  const shelf = Array.from({ length: 20 }, (_, i) => ({
    id: `S${i}`,
    title: `Best seller ${i}`,
    productType: `T${i}`,
  }));

  it('nothing related: no items and the reason, never best-sellers as filler', () => {
    const r = pickItems(inputOf(), catalogOf([console_, ...shelf]), modelOf({ S1: [['S2', 1]] }), none);
    expect(r).toEqual({ items: [], reason: 'no_complements', considered: 0 });
  });

  it('every candidate filtered out: no items, and how many were looked at', () => {
    const r = pickItems(
      inputOf({ owned: new Set(['S1', 'S2']) }),
      catalogOf([console_, ...shelf]),
      modelOf({
        P1: [
          ['S1', 1],
          ['S2', 0.5],
        ],
      }),
      none,
    );
    expect(r).toEqual({ items: [], reason: 'no_complements', considered: 2 });
  });
});

describe('determinism', () => {
  it('same input, same output; ties broken by id, not by input order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('A', 'B', 'C', 'D', 'E', 'F'), fc.integer({ min: 1, max: 3 })), {
          minLength: 1,
          maxLength: 12,
        }),
        fc.array(fc.constantFrom('H1', 'H2', 'H3'), { maxLength: 3 }),
        fc.integer(),
        (pairs, historyIds, seed) => {
          // Scores from a tiny set so ties are common; each anchor gets the same lists.
          const lists: Record<string, [string, number][]> = {};
          for (const anchor of ['P1', 'H1', 'H2', 'H3']) lists[anchor] = pairs.map(([id, s]) => [id, s / 4]);
          const items = [
            console_,
            ...'ABCDEF'.split('').map((id) => ({ id, title: id })),
            ...['H1', 'H2', 'H3'].map((id) => ({ id, title: id })),
          ];
          const history = historyIds.map((productId, i) => ({ productId, at: new Date(Date.UTC(2024, 0, 1 + i)) }));
          const shuffled = shuffle(history, seed);
          const a = pickItems(inputOf({ history }), catalogOf(items), modelOf(lists), none);
          const b = pickItems(inputOf({ history: shuffled }), catalogOf([...items].reverse()), modelOf(lists), none);
          expect(b).toEqual(a);
          // Equal scores: the smaller id first.
          for (let i = 1; i < a.items.length; i++) {
            if (a.items[i].score === a.items[i - 1].score)
              expect(a.items[i - 1].productId < a.items[i].productId).toBe(true);
          }
        },
      ),
    );
  });
});

describe('learned scores computed by the caller', () => {
  it('give the same result as scoring inside, though they include candidates the rules reject', () => {
    const ids = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split('');
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...ids), fc.integer({ min: 1, max: 9 })), { minLength: 1, maxLength: 40 }),
        fc.subarray(ids.slice(0, 14)),
        fc.subarray(ids.slice(10, 20)),
        fc.constantFrom('Video Game Console', 'Controller', undefined),
        fc.integer({ min: 1, max: 3 }),
        (pairs, owned, unavailable, typeOfZ, maxItems) => {
          const lists: Record<string, [string, number][]> = {
            P1: pairs.map(([id, w]) => [id, w / 10]),
            H1: pairs.map(([id, w]) => [id, w / 20]),
          };
          // Rejected for every reason: owned, unavailable, the bought type, one per type (the
          // last ids share a type), not in the catalog (Y).
          const items: CatalogItem[] = [
            console_,
            { id: 'H1', title: 'H1' },
            ...ids
              .filter((id) => id !== 'Y')
              .map((id) => ({
                id,
                title: id,
                productType: id === 'Z' ? typeOfZ : id > 'T' ? 'Shared' : `T${id}`,
                available: !unavailable.includes(id),
              })),
          ];
          const input = inputOf({
            owned: new Set(owned),
            history: [{ productId: 'H1', at: new Date('2026-01-01') }],
            at: new Date('2026-02-01'),
          });
          const model = modelOf(lists);
          const inside = pickItems(input, catalogOf(items), model, { maxItems, typeComplements: {} });
          // What PostgresItemPicker passes: scores before the catalog is known (only owned skipped).
          const learned = scoreCandidates(
            anchorsFor(input.bought, input.history, input.at),
            model,
            (id) => input.owned.has(id),
            DEFAULT_WEIGHTING.perAnchor,
          );
          const outside = pickItems(input, catalogOf(items), model, { maxItems, typeComplements: {}, learned });
          expect(outside.items).toEqual(inside.items);
          expect(outside.reason).toBe(inside.reason);
        },
      ),
      { numRuns: 300 },
    );
  });
});

function shuffle<T>(xs: T[], seed: number): T[] {
  const out = [...xs];
  let s = seed >>> 0;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1664525 + 1013904223) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describe('the best n learned candidates', () => {
  it('are the first n of all of them in order, ties and all', () => {
    const ids = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split('');
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...ids), fc.integer({ min: 1, max: 4 })), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 0, max: 30 }),
        (pairs, n) => {
          const model = modelOf({ P1: pairs.map(([id, w]) => [id, w / 4]), P2: pairs.map(([id, w]) => [id, w / 2]) });
          const anchors = anchorsFor([{ productId: 'P1' }, { productId: 'P2' }], undefined, undefined);
          const learned = scoreCandidates(anchors, model);
          expect(learned.top(n)).toEqual(learned.top().slice(0, n));
        },
      ),
      { numRuns: 300 },
    );
  });
});
