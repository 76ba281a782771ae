// Locale-aware formatting for the cross-sell email. Intl formatters and locale lookups are
// costly (tens of µs) next to a ~1 ms render, so each is built once per locale/currency and kept.
import { normaliseDecimal } from '../money/decimal.js';

const FALLBACK_LOCALE = 'en-US';
// Locales arrive in webhooks, so the caches are bounded; real stores use a handful.
const CACHE_LIMIT = 500;

function remember<V>(cache: Map<string, V>, key: string, make: () => V): V {
  if (cache.has(key)) return cache.get(key) as V;
  const value = make();
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, value);
  return value;
}

const canonicalTags = new Map<string, string | undefined>();
const numberFormats = new Map<string, Intl.NumberFormat | null>();
const percentFormats = new Map<string, Intl.NumberFormat>();
const listFormats = new Map<string, Intl.ListFormat>();

/** A valid BCP 47 tag for `locale` (`de_DE` → `de-DE`), or undefined when it is not one. */
export function canonicalLocale(locale: string | undefined): string | undefined {
  if (!locale) return undefined;
  return remember(canonicalTags, locale, () => {
    try {
      return Intl.getCanonicalLocales(locale.trim().replace(/_/g, '-'))[0];
    } catch {
      return undefined;
    }
  });
}

/**
 * The locale Intl should format for: the customer's when Intl has data for it, else en-US.
 * (Intl would otherwise use the machine's default locale, which differs between hosts.)
 */
function intlLocale(locale: string): string {
  const tag = canonicalLocale(locale);
  return tag && Intl.NumberFormat.supportedLocalesOf(tag).length > 0 ? tag : FALLBACK_LOCALE;
}

function currencyFormat(locale: string, currency: string): Intl.NumberFormat | null {
  return remember(numberFormats, `${locale}|${currency}`, () => {
    try {
      return new Intl.NumberFormat(intlLocale(locale), { style: 'currency', currency: currency.trim().toUpperCase() });
    } catch {
      return null; // malformed currency code: callers fall back to "amount CODE"
    }
  });
}

/**
 * Formats a decimal-string amount ("39.99") in `currency` for `locale`: en-US `$39.99`,
 * de-DE `39,99 €`, ja-JP JPY `￥4,980`. The string goes to Intl as is (NumberFormat v3 treats
 * it as an exact decimal), so no binary-float rounding: "19.995" → `$20.00`.
 * Returns undefined for a string that is not a plain decimal, so the email omits the price
 * rather than showing `$NaN`.
 */
export function formatPrice(amount: string | undefined | null, currency: string, locale: string): string | undefined {
  if (amount == null) return undefined;
  const value = normaliseDecimal(amount);
  if (value === undefined) return undefined;
  const nf = currencyFormat(locale, currency);
  if (!nf) return `${value} ${currency}`;
  // lib.es2022 types `format` as number | bigint; the runtime (Node ≥ 20) takes decimal strings.
  return nf.format(value as unknown as number);
}

/** A percentage (10 → en `10%`, de `10 %`), at most one decimal. */
export function formatPercent(percent: number, locale: string): string {
  const nf = remember(
    percentFormats,
    locale,
    () => new Intl.NumberFormat(intlLocale(locale), { style: 'percent', maximumFractionDigits: 1 }),
  );
  return nf.format(percent / 100);
}

/** "A, B and C" / "A, B und C" / "A, B et C". */
export function formatList(items: readonly string[], locale: string): string {
  const lf = remember(
    listFormats,
    locale,
    () => new Intl.ListFormat(intlLocale(locale), { style: 'long', type: 'conjunction' }),
  );
  return lf.format(items);
}

const dateFormats = new Map<string, { date: Intl.DateTimeFormat; time: Intl.DateTimeFormat }>();

/**
 * A moment as the customer reads it in their zone: en-GB "Friday 6 December, 23:59",
 * en-US "Friday, December 6, 11:59 PM", de "Freitag, 6. Dezember, 23:59". An unknown zone is UTC.
 */
export function formatDateTime(at: Date, timeZone: string, locale: string): string {
  const zone = isZone(timeZone) ? timeZone : 'UTC';
  const f = remember(dateFormats, `${locale}|${zone}`, () => ({
    date: new Intl.DateTimeFormat(intlLocale(locale), {
      weekday: 'long',
      day: 'numeric',
      month: 'long',
      timeZone: zone,
    }),
    time: timeFormat(intlLocale(locale), zone),
  }));
  return `${f.date.format(at)}, ${f.time.format(at)}`;
}

function isZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** "23:59", "00:59" on a 24-hour clock; "11:59 PM" where the locale reads 12 hours. */
function timeFormat(locale: string, zone: string): Intl.DateTimeFormat {
  const numeric = new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit', timeZone: zone });
  const h12 = ['h11', 'h12'].includes(numeric.resolvedOptions().hourCycle ?? '');
  return h12
    ? numeric
    : new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: zone });
}
