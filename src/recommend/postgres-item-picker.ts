// Item selection against the store's record. The learned co-purchase model lives in memory
// (reloaded when a rebuild lands), so a pick is two small queries: the customer's context,
// then the catalog entries of the few candidates worth considering; the pure `pickItems`
// decides.
import type pg from 'pg';
import { sql, queryRunner } from '../db/sql.js';
import type { Config } from '../config/schema.js';
import type { ChosenItem, ItemPicker, PickRequest } from './item-picker.js';
import { pickItems, modelFromRows, anchorsFor, scoreCandidates, DEFAULT_WEIGHTING, type CatalogItem, type BuiltCoPurchase } from './index.js';

const q = {
  context: sql(import.meta.url, 'customer-context'),
  candidates: sql(import.meta.url, 'candidate-products'),
  neighbours: sql(import.meta.url, 'neighbours'),
};

/** Learned candidates fetched per pick: far more than an email shows, far fewer than exist. */
const LEARNED_CANDIDATES = 60;
/** How often a process checks whether another one rebuilt the model. */
const MODEL_CHECK_MS = 30_000;

export class PostgresItemPicker implements ItemPicker {
  private readonly models = new Map<string, { builtAt: string | null; checkedAt: number; model: Promise<BuiltCoPurchase> }>();

  constructor(
    private readonly pool: Pick<pg.Pool, 'query'>,
    private readonly config: () => Config,
    /** Named (server-side prepared) statements; off on the embedded database, whose one
     * session every client shares, so two clients would prepare the same name. */
    private readonly prepared = true,
  ) {}

  private named(name: string, text: string, values: unknown[]) {
    return queryRunner(this.pool, this.prepared)(name, text, values);
  }

  async pick(req: PickRequest): ReturnType<ItemPicker['pick']> {
    const rc = this.config().recommend;
    const boughtLines = req.lines.filter((l) => l.quantity > 0);
    const boughtIds = [...new Set(boughtLines.map((l) => l.productId))];
    const [model, { rows }] = await Promise.all([
      this.model(req.store),
      this.named('customer-context', q.context, [req.store, req.customerKey ?? '', boughtIds, req.orderIds]),
    ]);
    const ctx = rows[0];
    const products = new Map<string, CatalogItem>((ctx.bought as CatalogItem[]).map((p) => [p.id, { ...p, available: p.available !== false }]));
    const owned = new Set<string>(ctx.owned);
    const returned = new Set<string>(ctx.returned);
    const offered = new Set<string>(ctx.offered);
    const history = (ctx.history as [string, string][]).map(([productId, at]) => ({ productId, at: new Date(at) }));
    const at = new Date();

    // Which catalog entries are worth loading: declared complements, the best learned
    // neighbours of this order and the customer's history, and the configured types.
    const declared = [...products.values()].flatMap((p) => (p.complements ?? []).map((c) => c.id));
    const skip = (id: string) => owned.has(id) || returned.has(id) || offered.has(id) || products.has(id);
    const scored = scoreCandidates(anchorsFor(boughtLines, history, at), model, skip, DEFAULT_WEIGHTING.perAnchor);
    const learned = scored.top(LEARNED_CANDIDATES);
    const types = [...new Set(boughtLines.flatMap((l) => typeTargets(rc.typeComplements, l.productType ?? products.get(l.productId)?.productType)))];
    const { rows: candidates } = await this.named('candidate-products', q.candidates,
      [req.store, [...declared, ...learned.map((s) => s.productId)], types.map((t) => t.toLowerCase())]);
    const byType = new Map<string, CatalogItem[]>();
    for (const c of candidates) {
      const item: CatalogItem = {
        id: c.product_id, title: c.title, productType: c.product_type ?? undefined, available: c.available !== false,
        price: c.price ?? undefined, currency: c.currency ?? undefined, url: c.url ?? undefined, imageUrl: c.image_url ?? undefined,
      };
      if (!products.has(item.id)) products.set(item.id, item);
      const key = (item.productType ?? '').toLowerCase();
      byType.set(key, [...(byType.get(key) ?? []), item]);
    }

    const result = pickItems(
      {
        bought: boughtLines.map((l) => ({ productId: l.productId, title: l.title, productType: l.productType ?? products.get(l.productId)?.productType, unitPrice: l.unitPrice, quantity: l.quantity })),
        owned, returned, offered, history, at,
      },
      (id) => products.get(id),
      model,
      {
        maxItems: Math.min(req.limit, rc.maxItems), typeComplements: rc.typeComplements,
        productsOfType: (t) => byType.get(t.toLowerCase()) ?? [], learned: scored,
      },
    );
    const items: ChosenItem[] = result.items.map((i) => {
      const p = products.get(i.productId);
      return { ...i, url: p?.url, imageUrl: p?.imageUrl, price: p?.price, currency: p?.currency };
    });
    return { items, reason: result.reason, considered: result.considered };
  }

  /** The store's model, reloaded when its build stamp moved (checked every 30 s at most). */
  private model(store: string): Promise<BuiltCoPurchase> {
    const cached = this.models.get(store);
    if (cached && Date.now() - cached.checkedAt < MODEL_CHECK_MS) return cached.model;
    // Concurrent picks share one check and one load.
    const entry = { builtAt: cached?.builtAt ?? null, checkedAt: Date.now(), model: cached?.model ?? Promise.resolve(modelFromRows([])) };
    entry.model = this.pool
      .query<{ built_at: string | null }>(`SELECT built_at::text FROM copurchase_builds WHERE store = $1`, [store])
      .then(async ({ rows }) => {
        const builtAt = rows[0]?.built_at ?? null;
        if (cached && cached.builtAt === builtAt) return cached.model;
        entry.builtAt = builtAt;
        const { rows: neighbours } = await this.pool.query(q.neighbours, [store]);
        return modelFromRows(neighbours);
      })
      .catch((err) => {
        this.models.delete(store); // try again on the next pick, not in 30 s
        throw err;
      });
    this.models.set(store, entry);
    return entry.model;
  }
}

function typeTargets(map: Record<string, string[]>, type: string | null | undefined): string[] {
  if (!type) return [];
  const hit = Object.entries(map).find(([k]) => k.toLowerCase() === type.toLowerCase());
  return hit ? hit[1] : [];
}
