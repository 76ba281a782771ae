// History files name countries ("United Kingdom", "EIRE", "USA"); orders store ISO codes, which
// the timing module turns into time zones. Unknown names ("Unspecified", "European Community")
// become null rather than a wrong code.
import ct from 'countries-and-timezones';

const ALIASES: Record<string, string> = {
  eire: 'IE',
  ireland: 'IE',
  usa: 'US',
  'united states': 'US',
  'united states of america': 'US',
  uk: 'GB',
  'great britain': 'GB',
  england: 'GB',
  scotland: 'GB',
  wales: 'GB',
  'northern ireland': 'GB',
  rsa: 'ZA',
  'czech republic': 'CZ',
  korea: 'KR',
  'south korea': 'KR',
  russia: 'RU',
  holland: 'NL',
  uae: 'AE',
};

let byName: Map<string, string> | undefined;

export function countryCode(text: string | undefined | null): string | null {
  const name = text?.trim();
  if (!name) return null;
  if (/^[A-Za-z]{2}$/.test(name)) return name.toUpperCase();
  if (!byName) {
    byName = new Map(Object.values(ct.getAllCountries()).map((c) => [c.name.toLowerCase(), c.id] as const));
    for (const [alias, code] of Object.entries(ALIASES)) byName.set(alias, code);
  }
  return byName.get(name.toLowerCase()) ?? null;
}
