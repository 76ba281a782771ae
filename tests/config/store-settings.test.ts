// Per-store settings (config `stores`): deep-merged over the top level, arrays replaced, a bad
// field named under its store; webhook secrets per store.
import { describe, expect, it } from 'vitest';
import { parseConfig, parseEnv } from '../../src/config/load.js';
import { settingsFor, storesWithoutAddress } from '../../src/config/store-settings.js';
import { parseAppSecrets, parseSiteSecrets, secretsFor, webhookSecrets } from '../../src/ingest/sources/secrets.js';

const top = {
  store: { name: 'Agency', from: 'Agency <hi@agency.example>', address: '9 Agency Row', colors: { brand: '#000000' } },
  timing: {
    rules: [
      { when: { productType: ['Console'] }, delay: '2h' },
      { when: { tags: ['gift'] }, skip: true },
    ],
    timezone: 'Europe/Berlin',
  },
  eligibility: { returns: { maxRate: 0.2 } },
};

describe('per-store settings', () => {
  const config = parseConfig({
    ...top,
    stores: {
      'A.myshopify.com': {
        store: { name: 'Alpha', colors: { accent: '#ff0000' } },
        timing: { rules: [{ when: { productType: ['Game'] }, delay: '1d' }] },
        eligibility: { returns: { minOrders: 5 } },
      },
    },
  });

  it('objects merge key by key over the top level; arrays replace', () => {
    const alpha = settingsFor(config, 'a.myshopify.com');
    expect(alpha.store).toMatchObject({
      name: 'Alpha',
      from: 'Agency <hi@agency.example>',
      address: '9 Agency Row',
      colors: { brand: '#000000', accent: '#ff0000' },
    });
    expect(alpha.timing.rules).toEqual([{ when: { productType: ['Game'] }, delay: 86_400_000 }]);
    expect(alpha.timing.timezone).toBe('Europe/Berlin');
    expect(alpha.eligibility.returns).toMatchObject({ maxRate: 0.2, minOrders: 5 });
  });

  it('a store without an entry gets the top-level settings; keys are matched case-insensitively and memoised', () => {
    expect(settingsFor(config, 'b.myshopify.com')).toBe(config);
    expect(settingsFor(config, 'A.MyShopify.com')).toBe(settingsFor(config, 'a.myshopify.com'));
  });

  it('names the store and the field of a bad override', () => {
    expect(() =>
      parseConfig(
        { stores: { 'a.myshopify.com': { timing: { rules: [{ when: {}, delay: '2 hours' }] } } } },
        'aftercart.config.ts',
      ),
    ).toThrow(
      /^invalid aftercart\.config\.ts: stores\["a\.myshopify\.com"\]\.timing\.rules\[0\]\.delay: expected a duration/,
    );
    expect(() => parseConfig({ stores: { 'shop.example': { ingest: { bodyLimit: 1 } } } })).toThrow(
      /stores\["shop\.example"\]: Unrecognized key: "ingest"/,
    );
    expect(() => parseConfig({ stores: { 'shop.example': { store: { url: 'javascript:alert(1)' } } } })).toThrow(
      /stores\["shop\.example"\]\.store\.url/,
    );
  });

  it('names every store whose emails would lack the postal address', () => {
    const c = parseConfig({
      stores: { 'a.example': { store: { address: '1 A St' } }, 'b.example': { store: { name: 'B' } } },
    });
    expect(storesWithoutAddress(c)).toEqual(['(top-level settings)', 'b.example']);
    expect(storesWithoutAddress(c, ['a.example'])).toEqual(['b.example']);
    expect(storesWithoutAddress(parseConfig(top))).toEqual([]);
  });
});

describe('webhook secrets per store', () => {
  it('WooCommerce: one secret per site, secrets may hold spaces, commas and "="', () => {
    const sites = parseSiteSecrets('shop-a.example=a b,c=d shop-b.example:8080=second');
    expect(sites).toEqual(
      new Map([
        ['shop-a.example', ['a b,c=d']],
        ['shop-b.example:8080', ['second']],
      ]),
    );
    expect(parseSiteSecrets('just-a-secret')).toMatch(/expected "site\.host=secret"/);
    expect(() => parseEnv({ WOOCOMMERCE_WEBHOOK_SECRETS: 'oops' })).toThrow(
      /^invalid environment variable WOOCOMMERCE_WEBHOOK_SECRETS: expected/,
    );
  });

  it('a site with its own secret is checked against it only; others against the single variable', () => {
    const secrets = webhookSecrets({
      WOOCOMMERCE_WEBHOOK_SECRET: 'shared',
      WOOCOMMERCE_WEBHOOK_SECRETS: 'shop-a.example=sa shop-b.example=sb',
    });
    expect(secretsFor(secrets.woocommerce, 'shop-a.example')).toEqual(['sa']);
    expect(secretsFor(secrets.woocommerce, 'shop-b.example')).toEqual(['sb']);
    expect(secretsFor(secrets.woocommerce, 'shop-c.example')).toEqual(['shared']);
  });

  it('Shopify: several app secrets tried in turn, the single variable kept, a pinned one only for its shop', () => {
    const set = parseAppSecrets('app-one, app-two a.myshopify.com=pinned', 'single');
    expect(secretsFor(set, 'b.myshopify.com')).toEqual(['single', 'app-one', 'app-two']);
    expect(secretsFor(set, 'a.myshopify.com')).toEqual(['pinned']);
  });
});
