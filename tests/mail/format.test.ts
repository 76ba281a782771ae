import { describe, expect, it } from 'vitest';
import { formatList, formatPercent, formatPrice } from '../../src/mail/format.js';
import { htmlLang, pickLanguage } from '../../src/mail/i18n.js';

const nbsp = (s: string | undefined) => s?.replace(/[\u00a0\u202f]/g, ' ');

describe('formatPrice', () => {
  it('formats per currency and locale', () => {
    expect(formatPrice('39.99', 'USD', 'en-US')).toBe('$39.99');
    expect(nbsp(formatPrice('39.99', 'EUR', 'de-DE'))).toBe('39,99 €');
    expect(nbsp(formatPrice('1234.5', 'EUR', 'fr-FR'))).toBe('1 234,50 €');
    expect(formatPrice('4980', 'JPY', 'ja-JP')).toBe('￥4,980');
    expect(formatPrice('4980', 'jpy', 'en-US')).toBe('¥4,980');
  });

  it('works on the decimal string, not a binary float', () => {
    // As a float 19.995 is 19.99499999…, which would round down to $19.99.
    expect(formatPrice('19.995', 'USD', 'en-US')).toBe('$20.00');
    expect(formatPrice('1.005', 'USD', 'en-US')).toBe('$1.01');
    expect(formatPrice('0.1', 'USD', 'en-US')).toBe('$0.10');
    expect(formatPrice('12345678901234567.89', 'USD', 'en-US')).toBe('$12,345,678,901,234,567.89');
  });

  it('omits what is not a plain decimal instead of showing NaN', () => {
    for (const bad of ['', 'n/a', '1e3', '12,50', '$5', undefined, null])
      expect(formatPrice(bad, 'USD', 'en-US')).toBeUndefined();
    expect(formatPrice(' 5.00 ', 'USD', 'en-US')).toBe('$5.00');
  });

  it('survives a malformed locale or currency', () => {
    expect(nbsp(formatPrice('39.99', 'EUR', 'de_DE'))).toBe('39,99 €');
    expect(formatPrice('39.99', 'USD', 'not a locale!')).toBe('$39.99');
    expect(formatPrice('39.99', 'EURO', 'en-US')).toBe('39.99 EURO');
  });
});

describe('formatPercent and formatList', () => {
  it('localizes', () => {
    expect(formatPercent(10, 'en-US')).toBe('10%');
    expect(nbsp(formatPercent(10, 'de-DE'))).toBe('10 %');
    expect(formatPercent(12.5, 'en-US')).toBe('12.5%');
    expect(formatList(['A', 'B', 'C'], 'en-US')).toBe('A, B, and C');
    expect(formatList(['A', 'B'], 'de-DE')).toBe('A und B');
  });
});

describe('language choice', () => {
  it('picks en/de/fr with English fallback', () => {
    expect(pickLanguage('de-DE')).toBe('de');
    expect(pickLanguage('de_CH')).toBe('de');
    expect(pickLanguage('fr-CA')).toBe('fr');
    expect(pickLanguage('ja-JP')).toBe('en');
    expect(pickLanguage('')).toBe('en');
    expect(pickLanguage('§§')).toBe('en');
  });

  it('gives <html lang> the language the text is written in', () => {
    expect(htmlLang('de-DE')).toBe('de-DE');
    expect(htmlLang('en-GB')).toBe('en-GB');
    expect(htmlLang('ja-JP')).toBe('en');
    expect(htmlLang('de_DE')).toBe('de-DE');
  });
});
