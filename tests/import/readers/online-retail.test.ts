import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  isProductCode,
  isPurchase,
  readOnlineRetail,
  type RetailLine,
  type RetailParseError,
} from '../../../src/import/readers/index.js';

const fixture = join(import.meta.dirname, 'fixtures', 'online-retail.csv');

async function readAll(path: string): Promise<{ lines: RetailLine[]; errors: RetailParseError[] }> {
  const lines: RetailLine[] = [];
  const errors: RetailParseError[] = [];
  for await (const l of readOnlineRetail(path, (e) => errors.push(e))) lines.push(l);
  return { lines, errors };
}

describe('readOnlineRetail', () => {
  it('reads every usable line with its file line number, trimmed', async () => {
    const { lines } = await readAll(fixture);
    expect(lines.map((l) => l.line)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 11]);
    expect(lines[0]).toEqual({
      invoice: '536365',
      stockCode: '85123A',
      description: 'WHITE HANGING HEART T-LIGHT HOLDER',
      quantity: 6,
      invoiceDate: new Date('2010-12-01T08:26:00Z'),
      unitPrice: '2.55',
      customerId: '17850',
      country: 'United Kingdom',
      isReturn: false,
      isProduct: true,
      line: 2,
    });
    expect(lines[1].description).toBe('WHITE METAL LANTERN');
    expect(lines[3].description).toBe('HAND WARMER, UNION JACK'); // quoted comma
  });

  it('reports unreadable rows with their line numbers and goes on', async () => {
    const { errors } = await readAll(fixture);
    expect(errors).toEqual([
      { line: 10, error: 'bad InvoiceDate "31/02/2011 25:00"' },
      { line: 12, error: 'bad Quantity "x"' },
    ]);
  });

  it('converts UK summer time to the real instant', async () => {
    const { lines } = await readAll(fixture);
    const byInvoice = new Map(lines.map((l) => [l.invoice, l]));
    expect(byInvoice.get('536366')!.invoiceDate.toISOString()).toBe('2011-06-15T08:00:00.000Z'); // 09:00 BST
    expect(byInvoice.get('536365')!.invoiceDate.toISOString()).toBe('2010-12-01T08:26:00.000Z'); // GMT
    // 01:30 on the morning clocks go back happens twice; we read the first (BST) one.
    expect(byInvoice.get('536372')!.invoiceDate.toISOString()).toBe('2011-10-30T00:30:00.000Z');
  });

  it('flags returns, non-products and missing customers', async () => {
    const { lines } = await readAll(fixture);
    const by = (inv: string, code?: string) => lines.find((l) => l.invoice === inv && (!code || l.stockCode === code))!;
    expect(by('536365', 'POST').isProduct).toBe(false);
    expect(by('536366').customerId).toBeUndefined();
    expect(by('536367').customerId).toBe('13047'); // "13047.0"
    expect(by('C536368').isReturn).toBe(true);
    expect(by('536369').isProduct).toBe(false); // gift_ voucher
    expect(by('536370').isReturn).toBe(true); // negative quantity without a C invoice
    expect(by('536372').isProduct).toBe(false); // lower-case m
    // Stock codes come upper-cased: "84406b" is one product to import and eval.
    expect(lines.filter(isPurchase).map((l) => `${l.invoice}/${l.stockCode}`)).toEqual([
      '536365/85123A',
      '536365/71053',
      '536367/84406B',
    ]);
  });

  it('knows the non-product stock codes', () => {
    for (const code of [
      'POST',
      'D',
      'M',
      'm',
      'BANK CHARGES',
      'DOT',
      'AMAZONFEE',
      'CRUK',
      'C2',
      'PADS',
      'S',
      'B',
      'gift_0001_20',
    ]) {
      expect(isProductCode(code), code).toBe(false);
    }
    for (const code of ['85123A', '85123a', 'DCGS0003', '47566b']) expect(isProductCode(code), code).toBe(true);
  });

  it('reads gzip the same, whatever the file is called', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aftercart-history-'));
    const gz = gzipSync(readFileSync(fixture));
    writeFileSync(join(dir, 'retail.csv.gz'), gz);
    writeFileSync(join(dir, 'retail-really-gzip.csv'), gz);
    const plain = await readAll(fixture);
    expect(await readAll(join(dir, 'retail.csv.gz'))).toEqual(plain);
    expect(await readAll(join(dir, 'retail-really-gzip.csv'))).toEqual(plain);
  });

  it('refuses a file that is not Online-Retail shaped', async () => {
    await expect(readAll(join(import.meta.dirname, 'fixtures', 'woo-products.csv'))).rejects.toThrow(
      /no "InvoiceNo" column \(an Online Retail file needs/,
    );
  });
});
