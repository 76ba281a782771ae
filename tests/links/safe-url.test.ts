// The one check of product links (src/links/safe-url.ts): only http(s) links to the store's own
// host or a `store.linkHosts` host, without user@ or control characters, may be click targets.
import { describe, expect, it } from 'vitest';
import { safeLinkUrl, withSafeLink } from '../../src/links/safe-url.js';
import { parseConfig } from '../../src/config/load.js';
import type { Product } from '../../src/domain/canonical-event.js';

const store = { storeUrl: 'https://shop.example', linkHosts: ['cdn.alpha.example'] };

describe('safeLinkUrl', () => {
  it.each([
    ['javascript:', 'javascript:alert(document.cookie)'],
    ['javascript: with spaces and case', '  JavaScript:alert(1)'],
    ['data:', 'data:text/html,<script>alert(1)</script>'],
    ['vbscript:', 'vbscript:msgbox(1)'],
    ['file:', 'file:///etc/passwd'],
    ['protocol-relative', '//evil.example/products/x'],
    ['protocol-relative with a backslash', '/\\evil.example/products/x'],
    ['userinfo looking like the store', 'https://shop.example@evil.example/'],
    ['userinfo on the store host', 'https://user:pw@shop.example/p/1'],
    ['another host', 'https://evil.example/p/1'],
    ['a host ending like the store', 'https://evilshop.example/p/1'],
    ['a subdomain of an allowed host', 'https://shop.example.evil.example/p/1'],
    ['backslashes to another host', 'https:\\\\evil.example\\p'],
    ['CR/LF (header injection)', 'https://shop.example/p/1\r\nSet-Cookie: a=b'],
    ['a lone LF', 'https://shop.example/p/\n1'],
    ['a tab', 'https://shop.example/p/\t1'],
    ['NUL', 'https://shop.example/p/1\u0000'],
    ['a C1 control', 'https://shop.example/p/1\u0085'],
    ['http on an https store', 'http://shop.example/p/1'],
    ['ftp', 'ftp://shop.example/p/1'],
    ['not a URL', 'not a url'],
    ['empty', ''],
  ])('refuses %s', (_what, url) => {
    expect(safeLinkUrl(url, store)).toBeUndefined();
  });

  it("accepts https links to the store's own host, normalised", () => {
    expect(safeLinkUrl('https://shop.example/p/P1', store)).toBe('https://shop.example/p/P1');
    expect(safeLinkUrl('https://SHOP.example/p/ü?q=a b', store)).toBe('https://shop.example/p/%C3%BC?q=a%20b');
    expect(safeLinkUrl(' https://shop.example/p/P1 ', store)).toBe('https://shop.example/p/P1');
  });

  it('accepts hosts listed in store.linkHosts, and only those', () => {
    expect(safeLinkUrl('https://cdn.alpha.example/p/1', store)).toBe('https://cdn.alpha.example/p/1');
    expect(safeLinkUrl('https://cdn.alpha.example/p/1', { ...store, linkHosts: [] })).toBeUndefined();
    expect(safeLinkUrl('https://other.alpha.example/p/1', store)).toBeUndefined();
  });

  it('accepts http as well only when store.url is http', () => {
    const httpStore = { storeUrl: 'http://shop.example:8080', linkHosts: ['cdn.alpha.example'] };
    expect(safeLinkUrl('http://shop.example:8080/p/1', httpStore)).toBe('http://shop.example:8080/p/1');
    expect(safeLinkUrl('https://shop.example/p/1', httpStore)).toBe('https://shop.example/p/1');
    expect(safeLinkUrl('http://cdn.alpha.example/p/1', httpStore)).toBe('http://cdn.alpha.example/p/1');
    expect(safeLinkUrl('javascript:alert(1)', httpStore)).toBeUndefined();
    expect(safeLinkUrl('http://evil.example/', httpStore)).toBeUndefined();
  });

  it("puts a path (a page of the store, as Shopify's adapter gives) under store.url", () => {
    expect(safeLinkUrl('/products/t-shirt', store)).toBe('https://shop.example/products/t-shirt');
    expect(safeLinkUrl('/products/t-shirt', { ...store, storeUrl: 'https://shop.example/en-ca/' })).toBe(
      'https://shop.example/en-ca/products/t-shirt',
    );
    expect(safeLinkUrl('/@evil.example', store)).toBe('https://shop.example/@evil.example');
    expect(safeLinkUrl('products/t-shirt', store)).toBeUndefined();
  });

  it('withSafeLink drops a bad URL and keeps the rest of the product', () => {
    const product: Product = { id: 'P1', title: 'Console', url: 'javascript:alert(1)', price: '1.00' };
    const bare: Product = { id: 'P2', title: 'No link' };
    expect(withSafeLink(product, store)).toEqual({
      product: { id: 'P1', title: 'Console', price: '1.00' },
      dropped: true,
    });
    expect(withSafeLink({ ...product, url: 'https://shop.example/p' }, store)).toEqual({
      product: { ...product, url: 'https://shop.example/p' },
      dropped: false,
    });
    expect(withSafeLink(bare, store)).toEqual({ product: bare, dropped: false });
  });
});

describe('config store.url and store.linkHosts', () => {
  it('linkHosts defaults to [] and keeps host names, lower-cased', () => {
    expect(parseConfig({}).store.linkHosts).toEqual([]);
    expect(parseConfig({ store: { linkHosts: ['CDN.Alpha.example', 'localhost'] } }).store.linkHosts).toEqual([
      'cdn.alpha.example',
      'localhost',
    ]);
  });

  it.each([
    'https://cdn.example',
    'cdn.example/path',
    'cdn.example:8443',
    'user@cdn.example',
    '',
    '*.example',
    'cdn..example',
  ])('refuses linkHosts entry %j, naming the field', (host) => {
    expect(() => parseConfig({ store: { linkHosts: [host] } })).toThrow(/store\.linkHosts\[0\]: .*host name/);
  });

  it.each(['javascript:alert(1)', 'ftp://shop.example', 'https://user@shop.example', 'data:text/html,x'])(
    'refuses store.url %j',
    (url) => {
      expect(() => parseConfig({ store: { url } })).toThrow(/store\.url/);
    },
  );
});
