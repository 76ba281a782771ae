// Builders for picker tests: a catalog from items, a model from literal neighbour lists.
import type { CatalogItem, CoPurchaseModel, PickInput } from '../../src/recommend/index.js';

export function catalogOf(items: CatalogItem[]): (id: string) => CatalogItem | undefined {
  const byId = new Map(items.map((i) => [i.id, i]));
  return (id) => byId.get(id);
}

/** `{ P1: [['X', 0.9], ['Y', 0.5]] }`: neighbour lists, best first as a real model keeps them. */
export function modelOf(lists: Record<string, [string, number][]>): CoPurchaseModel {
  return {
    neighbours: (id) =>
      (lists[id] ?? [])
        .map(([nid, score]) => ({ id: nid, score, support: 2, confidence: 0.5, lift: 1 }))
        .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1)),
  };
}

export const console_: CatalogItem = {
  id: 'P1',
  title: 'Console X',
  productType: 'Video Game Console',
  price: '399.00',
};

export function inputOf(over: Partial<PickInput> = {}): PickInput {
  return {
    bought: [
      { productId: 'P1', title: 'Console X', productType: 'Video Game Console', unitPrice: '399.00', quantity: 1 },
    ],
    owned: new Set(),
    returned: new Set(),
    offered: new Set(),
    ...over,
  };
}
