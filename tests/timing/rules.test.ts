import { describe, expect, it } from 'vitest';
import { decideTiming } from '../../src/timing/index.js';
import { at, console_, DAY, exampleTiming, giftCard, HOUR, line, order, timingConfig } from './support.js';

const placed = at('2024-06-03T10:00:00Z');
const fulfilled = at('2024-06-04T15:00:00Z');

describe('timing rules for a single line', () => {
  it('a console order is due two hours after it was placed', () => {
    const d = decideTiming(order([console_()]), exampleTiming(), placed);
    expect(d).toMatchObject({
      status: 'scheduled',
      trigger: 'order',
      delayMs: 2 * HOUR,
      rule: { index: 0, name: 'consoles' },
    });
    if (d.status === 'scheduled') expect(d.dueAt).toEqual(at('2024-06-03T12:00:00Z'));
  });

  it('a gift card order is skipped by its rule', () => {
    const g = giftCard();
    const d = decideTiming(order([g]), exampleTiming(), placed);
    expect(d).toEqual({
      status: 'skipped',
      reason: 'rule_skip',
      rule: { index: 1, name: 'gift cards', matchedLine: g.productId },
    });
  });

  it('a line no rule matches is due the default three days after fulfilment', () => {
    const d = decideTiming(order([line({ productType: 'Book' })], { fulfilled }), exampleTiming(), fulfilled);
    expect(d).toMatchObject({ status: 'scheduled', trigger: 'fulfilled', delayMs: 3 * DAY, rule: { index: null } });
    if (d.status === 'scheduled') expect(d.dueAt).toEqual(new Date(fulfilled.getTime() + 3 * DAY));
  });

  it('the first matching rule wins when several match', () => {
    const timing = timingConfig({
      quietHours: false,
      rules: [
        { when: { vendor: ['Nintendo'] }, after: 'order', delay: '1h', name: 'first' },
        { when: { productType: ['Console'] }, after: 'order', delay: '5h', name: 'second' },
      ],
    });
    const d = decideTiming(order([line({ vendor: 'Nintendo', productType: 'Console' })]), timing, placed);
    expect(d).toMatchObject({ status: 'scheduled', delayMs: HOUR, rule: { index: 0, name: 'first' } });
  });

  it('a rule without "after" waits for the default trigger but keeps its own delay', () => {
    const timing = timingConfig({
      quietHours: false,
      default: { after: 'paid', delay: '4d' },
      rules: [{ when: { productType: ['Console'] }, delay: '6h' }],
    });
    const paid = at('2024-06-03T11:00:00Z');
    const d = decideTiming(order([line({ productType: 'Console' })], { paid }), timing, paid);
    expect(d).toMatchObject({ status: 'scheduled', trigger: 'paid', delayMs: 6 * HOUR, triggerAt: paid });
  });

  it('a rule without "delay" uses the default delay after its own trigger', () => {
    const timing = timingConfig({
      quietHours: false,
      default: { after: 'delivered', delay: '4d' },
      rules: [{ when: { productType: ['Console'] }, after: 'order' }],
    });
    const d = decideTiming(order([line({ productType: 'Console' })]), timing, placed);
    expect(d).toMatchObject({ status: 'scheduled', trigger: 'order', delayMs: 4 * DAY, triggerAt: placed });
  });

  it('an unnamed rule is reported by index and the line it matched', () => {
    const timing = timingConfig({
      quietHours: false,
      rules: [{ when: { sku: ['A-1'] }, after: 'order', delay: '1h' }],
    });
    const l = line({ sku: 'A-1' });
    const d = decideTiming(order([l]), timing, placed);
    expect(d.rule).toEqual({ index: 0, matchedLine: l.productId });
  });

  it('with no rules configured the built-in default waits for fulfilment then three days', () => {
    const d = decideTiming(order([line()]), timingConfig(), placed);
    expect(d).toMatchObject({ status: 'waiting', trigger: 'fulfilled', delayMs: 3 * DAY, rule: { index: null } });
  });

  it('an order without lines falls to the default', () => {
    const d = decideTiming(order([], { fulfilled }), exampleTiming(), fulfilled);
    expect(d).toMatchObject({ status: 'scheduled', rule: { index: null }, delayMs: 3 * DAY });
  });
});
