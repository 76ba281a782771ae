// Locale-aware formatting for the cross-sell email. Intl formatters are costly to build
// (tens of µs each) and a worker renders thousands of emails, so each one is built once per
// locale/currency and kept.

const DECIMAL = /^-?\d+(?:\.\d+)?$/;
const FALLBACK_LOCALE = 'en-US';

const numberFormats = new Map<string, Intl.NumberFormat | null>();
const listFormats = new Map<string, Intl.ListFormat>();

/** A valid BCP 47 tag for `locale` (`de_DE` → `de-DE`), or undefined when it is not one. */
export function canonicalLocale(locale: string | undefined): string | undefined {
  if (!locale) return undefined;
  try {
    return Intl.getCanonicalLocales(locale.trim().replace(/_/g, '-'))[0];
  } catch {
    return undefined;
  }
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
  const key = `${locale}|${currency}`;
  let nf = numberFormats.get(key);
  if (nf === undefined) {
    try {
      nf = new Intl.NumberFormat(intlLocale(locale), {
        style: 'currency',
        currency: currency.trim().toUpperCase(),
      });
    } catch {
      nf = null; // malformed currency code: callers fall back to "amount CODE"
    }
    numberFormats.set(key, nf);
  }
  return nf;
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
  const value = amount.trim();
  if (!DECIMAL.test(value)) return undefined;
  const nf = currencyFormat(locale, currency);
  if (!nf) return `${value} ${currency}`;
  // lib.es2022 types `format` as number | bigint; the runtime (Node ≥ 20) takes decimal strings.
  return nf.format(value as unknown as number);
}

/** A whole-number percentage for the locale: en `10%`, de `10 %`, fr `10 %`. */
export function formatPercent(percent: number, locale: string): string {
  const key = `${locale}|%`;
  let nf = numberFormats.get(key);
  if (!nf) {
    nf = new Intl.NumberFormat(intlLocale(locale), { style: 'percent', maximumFractionDigits: 1 });
    numberFormats.set(key, nf);
  }
  return nf.format(percent / 100);
}

/** "A, B and C" / "A, B und C" / "A, B et C". */
export function formatList(items: readonly string[], locale: string): string {
  let lf = listFormats.get(locale);
  if (!lf) {
    lf = new Intl.ListFormat(intlLocale(locale), { style: 'long', type: 'conjunction' });
    listFormats.set(locale, lf);
  }
  return lf.format(items);
}
