// Item selection against the store's record. The store's catalog and learned co-purchase
// model live in memory, refreshed when the stamps in the customer's context move, so a pick
// is one small query (the customer's context, none when the caller read it already) and the
// pure `pickItems` decides.
import type pg from 'pg';
import { sql, queryRunner } from '../db/sql.js';
import { settingsFor } from '../config/store-settings.js';
import type { Config } from '../config/schema.js';
import type { ChosenItem, CustomerContext, ItemPicker, PickRequest } from './item-picker-interface.js';
import { CatalogCache } from './catalog-cache.js';
import {
  pickItems,
  modelFromRows,
  anchorsFor,
  scoreCandidates,
  DEFAULT_WEIGHTING,
  type BuiltCoPurchase,
} from './index.js';
import type { CatalogItem, PickedItem } from './types.js';

const queries = {
  context: sql(import.meta.url, 'customer-context'),
  neighbours: sql(import.meta.url, 'neighbours'),
};

export class PostgresItemPicker implements ItemPicker {
  private readonly models = new Map<string, { builtAt: string | null; model: Promise<BuiltCoPurchase> }>();
  private readonly catalogs: CatalogCache;

  constructor(
    private readonly pool: Pick<pg.Pool, 'query'>,
    private readonly config: () => Config,
    /** Named (server-side prepared) statements; off on the embedded database, whose one
     * session every client shares, so two clients would prepare the same name. */
    private readonly prepared = true,
  ) {
    this.catalogs = new CatalogCache(pool);
  }

  async pick(req: PickRequest): ReturnType<ItemPicker['pick']> {
    const rc = settingsFor(this.config(), req.store).recommend;
    const boughtLines = req.lines.filter((l) => l.quantity > 0);
    const ctx = req.context ?? (await this.customerContext(req));
    const [model, catalog] = await Promise.all([
      this.model(req.store, ctx.modelBuiltAt),
      this.catalogs.at(req.store, ctx.catalog),
    ]);
    const owned = new Set(ctx.owned);
    const history = ctx.history.map(([productId, at]) => ({ productId, at: new Date(at) }));
    const at = new Date();
    // Scored once, before the rules that need the catalog: pickItems checks every candidate
    // it offers anyway, so the owned ones are all it is worth skipping here.
    const learned = scoreCandidates(
      anchorsFor(boughtLines, history, at),
      model,
      (id) => owned.has(id),
      DEFAULT_WEIGHTING.perAnchor,
    );

    const result = pickItems(
      {
        bought: boughtLines.map((l) => ({
          productId: l.productId,
          title: l.title,
          productType: l.productType ?? catalog.get(l.productId)?.productType,
          unitPrice: l.unitPrice,
          quantity: l.quantity,
        })),
        owned,
        returned: new Set(ctx.returned),
        offered: new Set(ctx.offered),
        history,
        at,
      },
      catalog.get,
      model,
      {
        maxItems: Math.min(req.limit, rc.maxItems),
        typeComplements: rc.typeComplements,
        productsOfType: catalog.ofType,
        learned,
      },
    );
    const items = withProductLinks(result.items, catalog.get);
    return { items, reason: result.reason, considered: result.considered, notInCatalog: result.notInCatalog };
  }

  /** What the store knows of the customer: owned, returned and offered products, history, stamps.
   * Public so the bench can time the query apart from the pick. */
  async customerContext(req: Pick<PickRequest, 'store' | 'customerKey' | 'orderIds'>): Promise<CustomerContext> {
    const { rows } = await queryRunner(this.pool, this.prepared)<{ context: CustomerContext }>(
      'customer-context',
      queries.context,
      [req.store, req.customerKey ?? '', req.orderIds],
    );
    return rows[0]!.context;
  }

  /** The store's model as of the build stamp the context query read. */
  private model(store: string, builtAt: string | null): Promise<BuiltCoPurchase> {
    const cached = this.models.get(store);
    if (cached && cached.builtAt === builtAt) return cached.model;
    // Concurrent picks share one load.
    const model =
      builtAt === null
        ? Promise.resolve(modelFromRows([]))
        : this.pool.query(queries.neighbours, [store]).then(({ rows }) => modelFromRows(rows));
    model.catch(() => this.models.delete(store)); // try again on the next pick
    this.models.set(store, { builtAt, model });
    return model;
  }
}

/** Picked items with the catalog's link, image and price for the email. */
function withProductLinks(picked: PickedItem[], get: (id: string) => CatalogItem | undefined): ChosenItem[] {
  return picked.map((i) => {
    const p = get(i.productId);
    return { ...i, url: p?.url, imageUrl: p?.imageUrl, price: p?.price, currency: p?.currency };
  });
}
