import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { decideTiming, resolveTimezone } from '../../src/timing/index.js';
import { PROVINCE_ZONES } from '../../src/timing/provinces.js';
import { line, order, timingConfig } from './support.js';

type Where = Parameters<typeof resolveTimezone>[0];

describe('resolveTimezone', () => {
  const cases: [string, Where, string][] = [
    [
      "the event's zone wins over the shipping address",
      { customerTimezone: 'Asia/Tokyo', shippingCountry: 'US', shippingProvince: 'CA' },
      'Asia/Tokyo',
    ],
    [
      'an invalid event zone is ignored for the shipping country',
      { customerTimezone: 'Mars/Olympus_Mons', shippingCountry: 'FR' },
      'Europe/Paris',
    ],
    ['an empty event zone is ignored', { customerTimezone: '', shippingCountry: 'JP' }, 'Asia/Tokyo'],
    [
      'a bare UTC offset is not an IANA zone and is ignored',
      { customerTimezone: '+02:00', shippingCountry: 'JP' },
      'Asia/Tokyo',
    ],
    [
      'an event zone in the wrong case is accepted and spelled properly',
      { customerTimezone: 'america/new_york' },
      'America/New_York',
    ],
    ['a single-zone country gives its zone', { shippingCountry: 'FR' }, 'Europe/Paris'],
    ['country codes are read in any case', { shippingCountry: 'jp' }, 'Asia/Tokyo'],
    ['Germany gives Berlin, not the Zurich zone it shares', { shippingCountry: 'DE' }, 'Europe/Berlin'],
    ['a US state code gives its zone', { shippingCountry: 'US', shippingProvince: 'CA' }, 'America/Los_Angeles'],
    [
      'a US state name gives its zone',
      { shippingCountry: 'US', shippingProvince: 'california' },
      'America/Los_Angeles',
    ],
    [
      'an ISO 3166-2 state code gives its zone',
      { shippingCountry: 'US', shippingProvince: 'US-TX' },
      'America/Chicago',
    ],
    ['Arizona keeps its no-DST zone', { shippingCountry: 'US', shippingProvince: 'AZ' }, 'America/Phoenix'],
    ['Hawaii gives Honolulu', { shippingCountry: 'US', shippingProvince: 'Hawaii' }, 'Pacific/Honolulu'],
    ['a Canadian province code gives its zone', { shippingCountry: 'CA', shippingProvince: 'BC' }, 'America/Vancouver'],
    [
      'an accented Canadian province name gives its zone',
      { shippingCountry: 'CA', shippingProvince: 'Québec' },
      'America/Toronto',
    ],
    ['Newfoundland gets its half-hour zone', { shippingCountry: 'CA', shippingProvince: 'NL' }, 'America/St_Johns'],
    [
      'WA in Australia is Western Australia, not Washington',
      { shippingCountry: 'AU', shippingProvince: 'WA' },
      'Australia/Perth',
    ],
    [
      'Queensland (no DST) gives Brisbane',
      { shippingCountry: 'AU', shippingProvince: 'Queensland' },
      'Australia/Brisbane',
    ],
    ['a Brazilian state code gives its zone', { shippingCountry: 'BR', shippingProvince: 'AM' }, 'America/Manaus'],
    [
      'a Brazilian state name with accents gives its zone',
      { shippingCountry: 'BR', shippingProvince: 'São Paulo' },
      'America/Sao_Paulo',
    ],
    ['a Mexican state code gives its zone', { shippingCountry: 'MX', shippingProvince: 'BC' }, 'America/Tijuana'],
    [
      'a Mexican state name gives its zone',
      { shippingCountry: 'MX', shippingProvince: 'Quintana Roo' },
      'America/Cancun',
    ],
    [
      'a Shopify-style Mexican code gives its zone',
      { shippingCountry: 'MX', shippingProvince: 'Q ROO' },
      'America/Cancun',
    ],
    ['the US without a state gives Eastern time', { shippingCountry: 'US' }, 'America/New_York'],
    ['Canada without a province gives Toronto', { shippingCountry: 'CA' }, 'America/Toronto'],
    ['Australia without a state gives Sydney', { shippingCountry: 'AU' }, 'Australia/Sydney'],
    ['Brazil without a state gives São Paulo', { shippingCountry: 'BR' }, 'America/Sao_Paulo'],
    ['Mexico without a state gives Mexico City', { shippingCountry: 'MX' }, 'America/Mexico_City'],
    ['Russia without a region gives Moscow', { shippingCountry: 'RU' }, 'Europe/Moscow'],
    [
      "an unknown province falls back to the country's main zone",
      { shippingCountry: 'US', shippingProvince: 'Atlantis' },
      'America/New_York',
    ],
    ['an unknown country falls back to the configured zone', { shippingCountry: 'ZZ' }, 'Europe/London'],
    ['nothing known falls back to the configured zone', {}, 'Europe/London'],
  ];
  it.each(cases)('%s', (_name, where, expected) => {
    expect(resolveTimezone(where, 'Europe/London')).toBe(expected);
  });

  it('an invalid configured zone falls back to UTC so times can still be computed', () => {
    expect(resolveTimezone({}, 'Not/AZone')).toBe('UTC');
  });

  it('every zone in the province tables exists in this runtime', () => {
    const missing = PROVINCE_ZONES.filter((z) => !DateTime.now().setZone(z).isValid);
    expect(missing).toEqual([]);
  });

  it('the decision reports the zone it resolved', () => {
    const input = order([line()], {}, { customerTimezone: 'bogus', shippingCountry: 'AU', shippingProvince: 'VIC' });
    const d = decideTiming(input, timingConfig({ timezone: 'UTC' }), new Date('2024-06-03T10:00:00Z'));
    expect(d).toMatchObject({ status: 'waiting', timezone: 'Australia/Melbourne' });
  });

  it('the decision uses the configured timezone when nothing else is known', () => {
    const d = decideTiming(
      order([line()]),
      timingConfig({ timezone: 'Europe/Berlin' }),
      new Date('2024-06-03T10:00:00Z'),
    );
    expect(d).toMatchObject({ status: 'waiting', timezone: 'Europe/Berlin' });
  });
});
