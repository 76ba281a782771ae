// Item selection against the store's record: one query loads the candidates and what the
// customer owns, returned or was offered; the pure `pickItems` decides.
import type pg from 'pg';
import { sql } from '../db/sql.js';
import type { Config } from '../config/schema.js';
import type { ChosenItem, ItemPicker, PickRequest } from './item-picker.js';
import { pickItems, modelFromRows, type CatalogItem } from './index.js';

const loadCandidates = sql(import.meta.url, 'load-candidates');

export class PostgresItemPicker implements ItemPicker {
  constructor(private readonly pool: Pick<pg.Pool, 'query'>, private readonly config: () => Config) {}

  async pick(req: PickRequest): ReturnType<ItemPicker['pick']> {
    const rc = this.config().recommend;
    const boughtLines = req.lines.filter((l) => l.quantity > 0);
    const boughtIds = [...new Set(boughtLines.map((l) => l.productId))];
    const types = [...new Set(boughtLines.flatMap((l) => (l.productType ? typeTargets(rc.typeComplements, l.productType) : [])))];
    const { rows } = await this.pool.query(loadCandidates, [req.store, req.customerKey ?? '', boughtIds, types.map((t) => t.toLowerCase()), req.orderIds]);
    const r = rows[0];
    const products = new Map<string, CatalogItem>((r.products as CatalogItem[]).map((p) => [p.id, { ...p, available: p.available !== false }]));
    const model = modelFromRows((r.neighbours as { product_id: string; neighbour: string; support: number; confidence: number; lift: number; score: number }[])
      .map((n) => ({ a: n.product_id, b: n.neighbour, support: n.support, confidence: n.confidence, lift: n.lift, score: n.score })));
    const byType = new Map<string, CatalogItem[]>();
    for (const p of products.values()) {
      const key = (p.productType ?? '').toLowerCase();
      byType.set(key, [...(byType.get(key) ?? []), p]);
    }
    const result = pickItems(
      {
        bought: boughtLines.map((l) => ({ productId: l.productId, title: l.title, productType: l.productType ?? products.get(l.productId)?.productType, unitPrice: l.unitPrice, quantity: l.quantity })),
        owned: new Set<string>(r.owned),
        returned: new Set<string>(r.returned),
        offered: new Set<string>(r.offered),
        history: (r.history as { productId: string; at: string }[]).map((h) => ({ productId: h.productId, at: new Date(h.at) })),
        at: new Date(),
      },
      (id) => products.get(id),
      model,
      { maxItems: Math.min(req.limit, rc.maxItems), typeComplements: rc.typeComplements, productsOfType: (t) => byType.get(t.toLowerCase()) ?? [] },
    );
    const items: ChosenItem[] = result.items.map((i) => {
      const p = products.get(i.productId);
      return { ...i, url: p?.url, imageUrl: p?.imageUrl, price: p?.price, currency: p?.currency };
    });
    return { items, reason: result.reason, considered: result.considered };
  }
}

function typeTargets(map: Record<string, string[]>, type: string): string[] {
  const hit = Object.entries(map).find(([k]) => k.toLowerCase() === type.toLowerCase());
  return hit ? hit[1] : [];
}
