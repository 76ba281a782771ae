import { describe, expect, it } from 'vitest';
import { matchRule, type LineMatch, type TimedLine } from '../../src/timing/index.js';

const controller: TimedLine = {
  productId: 'gid-42',
  sku: 'CTRL-BLK',
  productType: 'Accessory',
  vendor: 'Nintendo',
  tags: ['gaming', 'Wireless'],
  quantity: 1,
  unitPrice: '59.99',
};

describe('matchRule', () => {
  const cases: [string, LineMatch, boolean][] = [
    ['a product type matches whatever its case', { productType: ['accessory'] }, true],
    ['a different product type does not match', { productType: ['Console'] }, false],
    ['any one listed product type is enough', { productType: ['Console', 'ACCESSORY'] }, true],
    ['a tag matches whatever its case', { tags: ['wireless'] }, true],
    ['a tag the line lacks does not match', { tags: ['gift-card'] }, false],
    ['a vendor matches whatever its case', { vendor: ['NINTENDO'] }, true],
    ['a different vendor does not match', { vendor: ['Sony'] }, false],
    ['a sku matches exactly', { sku: ['CTRL-BLK'] }, true],
    ['a sku is case-sensitive', { sku: ['ctrl-blk'] }, false],
    ['a product id matches exactly', { productId: ['gid-42'] }, true],
    ['a different product id does not match', { productId: ['gid-43'] }, false],
    [
      'all given fields matching is a match',
      { productType: ['Accessory'], vendor: ['Nintendo'], tags: ['gaming'] },
      true,
    ],
    ['one given field failing spoils the combination', { productType: ['Accessory'], vendor: ['Sony'] }, false],
    ['an empty list matches nothing, so a half-written rule stays inert', { tags: [] }, false],
    ['a rule with no conditions matches every line', {}, true],
  ];
  it.each(cases)('%s', (_name, when, expected) => {
    expect(matchRule(controller, when)).toBe(expected);
  });

  it('a line without tags, vendor or sku never matches rules on them', () => {
    const bare: TimedLine = { productId: 'x', quantity: 1, unitPrice: '1' };
    expect(matchRule(bare, { tags: ['gaming'] })).toBe(false);
    expect(matchRule(bare, { vendor: ['Nintendo'] })).toBe(false);
    expect(matchRule(bare, { sku: ['CTRL-BLK'] })).toBe(false);
    expect(matchRule(bare, { productType: ['Accessory'] })).toBe(false);
  });

  it('surrounding spaces in hand-typed product types do not prevent a match', () => {
    expect(matchRule({ ...controller, productType: ' Accessory ' }, { productType: ['accessory'] })).toBe(true);
  });
});
