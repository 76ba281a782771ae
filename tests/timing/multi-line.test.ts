import { describe, expect, it } from 'vitest';
import { decideTiming } from '../../src/timing/index.js';
import { at, console_, DAY, exampleTiming, giftCard, HOUR, line, order, timingConfig } from './support.js';

const placed = at('2024-06-03T10:00:00Z');
const fulfilled = at('2024-06-04T15:00:00Z');

// Two rules with different timing, so the chosen one is visible in the decision.
const twoRules = (ruleChoice?: 'most-valuable-line' | 'earliest' | 'latest') =>
  timingConfig({
    quietHours: false,
    ...(ruleChoice && { ruleChoice }),
    rules: [
      { when: { productType: ['Console'] }, after: 'order', delay: '2h', name: 'console' },
      { when: { productType: ['Game'] }, after: 'fulfilled', delay: '1d', name: 'game' },
      { when: { tags: ['gift-card'] }, skip: true, name: 'gift' },
    ],
  });

describe('most-valuable-line (the default choice)', () => {
  it('is the configured default', () => {
    expect(timingConfig().ruleChoice).toBe('most-valuable-line');
  });

  it('the line with the highest quantity × price decides, not the highest unit price', () => {
    const consoleLine = line({ productType: 'Console', unitPrice: '40.00', quantity: 1 });
    const games = line({ productType: 'Game', unitPrice: '15.00', quantity: 3 });
    const d = decideTiming(order([consoleLine, games], { fulfilled }), twoRules(), fulfilled);
    expect(d.rule).toMatchObject({ name: 'game', matchedLine: games.productId });
  });

  it('values are compared exactly: 3 × 0.10 ties with 1 × 0.30 and the earlier line keeps it', () => {
    // In floating point 3 * 0.1 > 0.3, which would wrongly hand the decision to the games.
    const consoleLine = line({ productType: 'Console', unitPrice: '0.30', quantity: 1 });
    const games = line({ productType: 'Game', unitPrice: '0.10', quantity: 3 });
    const d = decideTiming(order([consoleLine, games], { fulfilled }), twoRules(), fulfilled);
    expect(d.rule.name).toBe('console');
  });

  it('values beyond float precision are still told apart', () => {
    const consoleLine = line({ productType: 'Console', unitPrice: '12345678901234567.01' });
    const games = line({ productType: 'Game', unitPrice: '12345678901234567.02' });
    const d = decideTiming(order([consoleLine, games], { fulfilled }), twoRules(), fulfilled);
    expect(d.rule.name).toBe('game');
  });

  it('prices with different numbers of decimals compare by value', () => {
    const consoleLine = line({ productType: 'Console', unitPrice: '9.5' });
    const games = line({ productType: 'Game', unitPrice: '9.499' });
    const d = decideTiming(order([consoleLine, games], { fulfilled }), twoRules(), fulfilled);
    expect(d.rule.name).toBe('console');
  });

  it('an unreadable price counts as zero instead of failing the order', () => {
    const consoleLine = line({ productType: 'Console', unitPrice: 'twelve' });
    const games = line({ productType: 'Game', unitPrice: '0.01' });
    const d = decideTiming(order([consoleLine, games], { fulfilled }), twoRules(), fulfilled);
    expect(d.rule.name).toBe('game');
  });

  it('a more valuable line that matches no rule does not take the decision to the default', () => {
    const tv = line({ productType: 'TV', unitPrice: '1999.00' });
    const consoleLine = line({ productType: 'Console', unitPrice: '299.00' });
    const d = decideTiming(order([tv, consoleLine]), twoRules(), placed);
    expect(d).toMatchObject({ status: 'scheduled', trigger: 'order', rule: { name: 'console' } });
  });

  it('an order where no line matches a rule uses the default', () => {
    const d = decideTiming(order([line({ productType: 'TV' }), line({ productType: 'Book' })]), twoRules(), placed);
    expect(d).toMatchObject({ status: 'waiting', trigger: 'fulfilled', rule: { index: null } });
  });

  it('a gift card that is the most valuable line skips the order', () => {
    const d = decideTiming(
      order([console_({ unitPrice: '20.00' }), giftCard({ unitPrice: '100.00' })]),
      exampleTiming(),
      placed,
    );
    expect(d).toMatchObject({ status: 'skipped', reason: 'rule_skip', rule: { name: 'gift cards' } });
  });

  it('a cheaper gift card beside a console does not skip the order', () => {
    const d = decideTiming(order([giftCard({ unitPrice: '25.00' }), console_()]), exampleTiming(), placed);
    expect(d).toMatchObject({ status: 'scheduled', rule: { name: 'consoles' } });
  });
});

describe('earliest and latest', () => {
  const consoleLine = line({ productType: 'Console', unitPrice: '10.00' });
  const games = line({ productType: 'Game', unitPrice: '500.00' });

  it('earliest picks the rule whose email would go out first', () => {
    const d = decideTiming(order([games, consoleLine], { fulfilled }), twoRules('earliest'), fulfilled);
    expect(d).toMatchObject({
      status: 'scheduled',
      rule: { name: 'console' },
      dueAt: new Date(placed.getTime() + 2 * HOUR),
    });
  });

  it('latest picks the rule whose email would go out last', () => {
    const d = decideTiming(order([consoleLine, games], { fulfilled }), twoRules('latest'), fulfilled);
    expect(d).toMatchObject({
      status: 'scheduled',
      rule: { name: 'game' },
      dueAt: new Date(fulfilled.getTime() + DAY),
    });
  });

  it('earliest schedules from the rule whose trigger has come without waiting for the others', () => {
    const d = decideTiming(order([games, consoleLine]), twoRules('earliest'), placed);
    expect(d).toMatchObject({ status: 'scheduled', rule: { name: 'console' } });
  });

  it('latest waits while a matched rule is still waiting for its trigger', () => {
    const d = decideTiming(order([consoleLine, games]), twoRules('latest'), placed);
    expect(d).toMatchObject({ status: 'waiting', trigger: 'fulfilled', rule: { name: 'game' }, delayMs: DAY });
  });

  it('latest gives up when the missing trigger never comes before expiry', () => {
    const d = decideTiming(order([consoleLine, games]), twoRules('latest'), at('2024-07-10T00:00:00Z'));
    expect(d).toMatchObject({ status: 'expired', reason: 'expired', trigger: 'fulfilled', rule: { name: 'game' } });
  });

  it('earliest waits for the first trigger when no rule can be scheduled yet', () => {
    const timing = timingConfig({
      quietHours: false,
      ruleChoice: 'earliest',
      rules: [
        { when: { productType: ['Game'] }, after: 'delivered', delay: '1h', name: 'game' },
        { when: { productType: ['Console'] }, after: 'paid', delay: '5d', name: 'console' },
      ],
    });
    const d = decideTiming(order([games, consoleLine]), timing, placed);
    expect(d).toMatchObject({ status: 'waiting', trigger: 'paid', rule: { name: 'console' } });
  });

  it.each(['earliest', 'latest'] as const)('%s: a skip rule on one line does not skip the order', (choice) => {
    const d = decideTiming(order([giftCard({ unitPrice: '900.00' }), consoleLine]), twoRules(choice), placed);
    expect(d).toMatchObject({ status: 'scheduled', rule: { name: 'console' } });
  });

  it.each(['earliest', 'latest'] as const)('%s: an order whose every matched rule skips is skipped', (choice) => {
    const d = decideTiming(order([giftCard(), line({ productType: 'TV' })]), twoRules(choice), placed);
    expect(d).toMatchObject({ status: 'skipped', reason: 'rule_skip', rule: { name: 'gift' } });
  });

  it.each(['earliest', 'latest'] as const)('%s: with no matched rule the default decides', (choice) => {
    const d = decideTiming(order([line({ productType: 'TV' })], { fulfilled }), twoRules(choice), fulfilled);
    expect(d).toMatchObject({ status: 'scheduled', rule: { index: null }, delayMs: 3 * DAY });
  });
});
