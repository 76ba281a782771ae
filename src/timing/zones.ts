// Which time zone the customer lives in: the event's zone, else where the parcel goes, else the store's.
import ct from 'countries-and-timezones';
import { provinceZone } from './provinces.js';

/**
 * The library lists a country's zones alphabetically (US → America/Adak), so multi-zone countries
 * without a known province get their most populous zone from this table instead.
 */
const MAIN_ZONE: Record<string, string> = {
  US: 'America/New_York',
  CA: 'America/Toronto',
  AU: 'Australia/Sydney',
  BR: 'America/Sao_Paulo',
  MX: 'America/Mexico_City',
  RU: 'Europe/Moscow',
  CL: 'America/Santiago',
  ES: 'Europe/Madrid',
  PT: 'Europe/Lisbon',
  CY: 'Asia/Nicosia',
  GL: 'America/Nuuk',
  MN: 'Asia/Ulaanbaatar',
  MY: 'Asia/Kuala_Lumpur',
  PF: 'Pacific/Tahiti',
  PG: 'Pacific/Port_Moresby',
  UZ: 'Asia/Tashkent',
  CD: 'Africa/Kinshasa',
  KI: 'Pacific/Tarawa',
};

const COUNTRY_ALIAS: Record<string, string> = { UK: 'GB' };

/** The zone name as Intl knows it, or undefined when it isn't a usable IANA zone. */
// Intl validation is costly and zone names are few: remember each answer.
const checked = new Map<string, string | undefined>();

export function validZone(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  if (checked.has(name)) return checked.get(name);
  const zone = checkZone(name);
  if (checked.size < 10_000) checked.set(name, zone);
  return zone;
}

function checkZone(name: string): string | undefined {
  const text = name.trim();
  // Offsets such as "+02:00" are not IANA names and carry no DST rules.
  if (!text || !/^[A-Za-z]/.test(text)) return undefined;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: text }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
  // Fix only the spelling's case ("america/new_york"); keep current names that ICU maps to old ones.
  return resolved.toLowerCase() === text.toLowerCase() ? resolved : text;
}

function countryZone(country: string, province: string | undefined): string | undefined {
  const code = COUNTRY_ALIAS[country] ?? country;
  const byProvince = province ? validZone(provinceZone(code, province)) : undefined;
  if (byProvince) return byProvince;
  const zones = ct.getCountry(code)?.timezones ?? [];
  if (zones.length === 0) return undefined;
  const main = validZone(MAIN_ZONE[code]);
  if (main) return main;
  // Otherwise prefer a zone the library files under this country first (DE → Berlin, not Zurich).
  const own = zones.filter((z) => ct.getTimezone(z)?.countries[0] === code);
  for (const z of [...own, ...zones]) {
    const ok = validZone(z);
    if (ok) return ok;
  }
  return undefined;
}

/**
 * A valid `customerTimezone` wins; else the shipping country (and province, for countries that
 * span zones); else `fallback`; and if even that is not a valid zone, 'UTC', so callers always
 * get a zone they can compute with.
 */
export function resolveTimezone(
  input: { customerTimezone?: string; shippingCountry?: string; shippingProvince?: string },
  fallback: string,
): string {
  const fromEvent = validZone(input.customerTimezone);
  if (fromEvent) return fromEvent;
  const country = input.shippingCountry?.trim().toUpperCase();
  const fromAddress = country ? countryZone(country, input.shippingProvince) : undefined;
  return fromAddress ?? validZone(fallback) ?? 'UTC';
}
