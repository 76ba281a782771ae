// Per-store settings (config `stores`): each store's overrides deep-merged over the top-level
// settings before validation, so an override is checked as a whole section and a bad field is
// named under its store (`stores["a.myshopify.com"].timing.rules[0].delay`). Objects merge key
// by key; arrays (timing.rules, store.linkHosts…), `false` and plain values replace.
import type { Config } from './schema.js';

/** The sections a store may override; ingest and measure stay deployment-wide. */
export const STORE_SECTIONS = ['store', 'timing', 'eligibility', 'recommend', 'mail'] as const;
export type StoreSection = (typeof STORE_SECTIONS)[number];
export type StoreSettings = Pick<Config, StoreSection>;

type DeepPartial<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;
/** What `stores[key]` accepts in aftercart.config.ts: any part of the five sections. */
export type StoreSettingsInput<Sections> = DeepPartial<Pick<Sections, Extract<keyof Sections, StoreSection>>>;

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

/** `over` merged into `base`: objects key by key, anything else (arrays included) replaces. */
export function deepMerge(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(over)) return over;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) merged[key] = deepMerge(base[key], value);
  return merged;
}

/**
 * The raw config with each store's entry completed from the top-level sections (zod preprocess):
 * validation then sees, and fills defaults of, every store's whole settings. Store keys are
 * lower-cased, as Shopify domains and WooCommerce hosts arrive.
 */
export function withMergedStores(input: unknown): unknown {
  if (!isPlainObject(input) || !isPlainObject(input.stores)) return input;
  const stores: Record<string, unknown> = {};
  for (const [key, override] of Object.entries(input.stores)) {
    if (!isPlainObject(override)) {
      stores[key.trim().toLowerCase()] = override;
      continue;
    }
    const merged: Record<string, unknown> = { ...override };
    for (const section of STORE_SECTIONS) merged[section] = deepMerge(input[section], override[section]) ?? {};
    stores[key.trim().toLowerCase()] = merged;
  }
  return { ...input, stores };
}

const merged = new WeakMap<Config, Map<string, Config>>();

/**
 * The settings in force for one store's orders: its entry of `stores` over the top-level ones,
 * or the top-level settings for a store without an entry. Memoised per config object, so a
 * reload (a new object) is seen at once and the old one is forgotten with it.
 */
export function settingsFor(config: Config, store: string | undefined | null): Config {
  const own = store ? config.stores?.[store.toLowerCase()] : undefined;
  if (!own) return config;
  let perStore = merged.get(config);
  if (!perStore) merged.set(config, (perStore = new Map()));
  const key = store!.toLowerCase();
  let settings = perStore.get(key);
  if (!settings) {
    const { store: storeSection, timing, eligibility, recommend, mail } = own;
    settings = { ...config, store: storeSection, timing, eligibility, recommend, mail };
    perStore.set(key, settings);
  }
  return settings;
}

/** Which settings apply to a store, in words for explain, stats and the admin. */
export function settingsSource(config: Config, store: string | undefined | null): string {
  const own = store ? config.stores?.[store.toLowerCase()] : undefined;
  return own ? `stores["${store!.toLowerCase()}"] over the top-level settings` : 'the top-level settings';
}

/** The top-level settings and every configured store's (for questions asked of all of them). */
export function everyStoreSettings(config: Config): Config[] {
  return [config, ...configuredStores(config).map((store) => settingsFor(config, store))];
}

/** The stores named in `stores`. */
export function configuredStores(config: Config): string[] {
  return Object.keys(config.stores ?? {});
}

/**
 * Stores whose emails would go out without the sender's postal address: every configured store
 * without one, and each of `seen` (stores with data) that falls back to top-level settings
 * without one. `(top-level settings)` stands for stores not yet seen when the top level has none.
 */
export function storesWithoutAddress(config: Config, seen: readonly string[] = []): string[] {
  const missing = new Set<string>();
  for (const store of configuredStores(config)) if (!settingsFor(config, store).store.address) missing.add(store);
  for (const store of seen) if (!settingsFor(config, store).store.address) missing.add(store.toLowerCase());
  if (!config.store.address && seen.length === 0) missing.add('(top-level settings)');
  return [...missing].sort();
}

/** Commercial email must carry the sender's postal address: names every store that has none. */
export function warnMissingAddresses(config: Config, log: { warn(obj: object, msg: string): void }): void {
  const missing = storesWithoutAddress(config);
  if (missing.length === 0) return;
  const what = "no store.address (the sender's postal address for the email footer)";
  log.warn({ stores: missing }, `${what} for: ${missing.join(', ')}`);
}
