// A store belongs to the source whose signed delivery first named it (store_sources, migration
// 0011): WooCommerce's secret must never speak for a Shopify shop, nor either for a store fed
// through canonical events. Ownership never changes, so each process caches it and the hot path
// pays a round trip only on a store's first delivery to that process.
import type pg from 'pg';
import type { CanonicalEvent } from '../domain/canonical-event.js';
import { sql } from '../db/sql.js';

const claimStore = sql(import.meta.url, 'claim-store');

export type SourceName = 'shopify' | 'woocommerce' | 'events';

export class StoreOwners {
  private readonly owners = new Map<string, string>();

  constructor(private readonly pool: Pick<pg.Pool, 'query'>) {}

  /** The first store these events name that another source owns; claims the unowned ones. */
  async foreign(source: SourceName, events: CanonicalEvent[]): Promise<{ store: string; owner: string } | undefined> {
    for (const store of spokenFor(source, events)) {
      const owner = this.owners.get(store) ?? (await this.claim(store, source));
      if (owner !== source) return { store, owner };
    }
    return undefined;
  }

  private async claim(store: string, source: SourceName): Promise<string> {
    const res = await this.pool.query<{ source: string }>(claimStore, [store, source]);
    const owner = res.rows[0]!.source;
    this.owners.set(store, owner);
    return owner;
  }
}

/**
 * The stores a delivery writes for. A help desk reports tickets on the events route for a
 * platform's store (README, "Wiring a help desk"): tickets neither claim nor need the store.
 */
function spokenFor(source: SourceName, events: CanonicalEvent[]): Set<string> {
  const stores = new Set<string>();
  for (const e of events) {
    if (source === 'events' && (e.type === 'ticket.opened' || e.type === 'ticket.closed')) continue;
    stores.add(e.data.store);
  }
  return stores;
}
