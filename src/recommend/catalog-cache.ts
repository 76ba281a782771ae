// Each store's catalog in memory, kept current from the per-store version every product write
// takes (migrations/0006_catalog_versions.sql): item selection looks products up without a
// query. The caller reads the store's stamp in a query it makes anyway; a newer version loads
// only the rows written since, a new epoch (products were deleted) everything again.
// Memory: roughly 0.5 KB per product.
import type pg from 'pg';
import { sql } from '../db/sql.js';
import type { CatalogItem } from './types.js';

const changesSql = sql(import.meta.url, 'catalog-changes');

/** What `catalog_versions` says of a store; null when nothing was ever written. */
export interface CatalogStamp {
  epoch: number;
  version: number;
}

export interface Catalog {
  get(id: string): CatalogItem | undefined;
  /** Products of a type, compared in lower case. */
  ofType(type: string): readonly CatalogItem[];
}

interface StoreCopy {
  epoch: number;
  version: number;
  items: Map<string, CatalogItem>;
  byType: Map<string, CatalogItem[]>;
  /** The load in flight; concurrent picks share it. */
  loading?: Promise<StoreCopy>;
}

interface ProductRow extends Omit<CatalogItem, 'productType' | 'price' | 'currency' | 'url' | 'imageUrl'> {
  productType: string | null;
  price: string | null;
  currency: string | null;
  url: string | null;
  imageUrl: string | null;
  version: string;
}

export class CatalogCache {
  private readonly stores = new Map<string, StoreCopy>();

  constructor(private readonly pool: Pick<pg.Pool, 'query'>) {}

  /** The store's catalog as of `stamp` or later. */
  async at(store: string, stamp: CatalogStamp | null): Promise<Catalog> {
    const want = stamp ?? { epoch: 0, version: 0 };
    let copy = this.stores.get(store);
    if (!copy || copy.epoch !== want.epoch) {
      copy = { epoch: want.epoch, version: 0, items: new Map(), byType: new Map() };
      this.stores.set(store, copy);
    }
    while (copy.version < want.version) {
      copy.loading ??= this.load(store, copy, want.version).finally(() => (copy!.loading = undefined));
      await copy.loading;
      if (this.stores.get(store) !== copy) return this.at(store, stamp); // an epoch moved meanwhile
    }
    const { items, byType } = copy;
    return { get: (id) => items.get(id), ofType: (type) => byType.get(type.toLowerCase()) ?? [] };
  }

  private async load(store: string, copy: StoreCopy, upTo: number): Promise<StoreCopy> {
    const { rows } = await this.pool.query<ProductRow>(changesSql, [store, copy.version]);
    for (const row of rows) {
      const item: CatalogItem = {
        id: row.id,
        title: row.title,
        available: row.available !== false,
        complements: row.complements,
        upsells: row.upsells,
        productType: row.productType ?? undefined,
        price: row.price ?? undefined,
        currency: row.currency ?? undefined,
        url: row.url ?? undefined,
        imageUrl: row.imageUrl ?? undefined,
      };
      const before = copy.items.get(item.id);
      if (before) removeFrom(copy.byType, typeKey(before), before);
      copy.items.set(item.id, item);
      const key = typeKey(item);
      copy.byType.set(key, [...(copy.byType.get(key) ?? []), item]);
      copy.version = Math.max(copy.version, Number(row.version));
    }
    // Every version up to the stamp had committed before this read, so all of their rows were
    // in it. A version can have no rows left (rewritten since, or an upsert that changed
    // nothing), so the stamp, not the rows, says how far this copy is.
    copy.version = Math.max(copy.version, upTo);
    return copy;
  }
}

const typeKey = (item: CatalogItem) => (item.productType ?? '').toLowerCase();

function removeFrom(byType: Map<string, CatalogItem[]>, key: string, item: CatalogItem): void {
  const list = byType.get(key);
  if (list)
    byType.set(
      key,
      list.filter((i) => i !== item),
    );
}
