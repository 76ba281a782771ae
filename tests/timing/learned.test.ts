import { describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../src/config/schema.js';
import { decideTiming, type TimingInput } from '../../src/timing/index.js';
import { at, DAY, HOUR, line, order, timingConfig } from './support.js';

const placed = at('2024-06-03T10:00:00Z');

// Learned delay straight after the order, quiet hours off, so dueAt = order + delay.
const learnedTiming = (learned: NonNullable<ConfigInput['timing']>['learned'] = {}) =>
  timingConfig({
    quietHours: false,
    rules: [{ when: { productType: ['Camera'] }, after: 'order', delay: 'learned', name: 'cameras' }],
    learned,
  });

const camera = (learned: TimingInput['learned']) => order([line({ productType: 'Camera' })], {}, { learned });

describe('learned delay', () => {
  const cases: [string, TimingInput['learned'], number, string, unknown[]][] = [
    [
      'a well-observed median inside the bounds is used as is',
      { Camera: { medianMs: 5 * DAY, samples: 40 } },
      5 * DAY,
      'median',
      [],
    ],
    [
      'exactly the minimum number of samples is enough',
      { Camera: { medianMs: 5 * DAY, samples: 20 } },
      5 * DAY,
      'median',
      [],
    ],
    [
      'a median below the one-day floor is raised to it',
      { Camera: { medianMs: 2 * HOUR, samples: 40 } },
      DAY,
      'floor',
      [{ kind: 'learned_floor', ms: DAY }],
    ],
    [
      'a median above the thirty-day ceiling is cut to it',
      { Camera: { medianMs: 90 * DAY, samples: 40 } },
      30 * DAY,
      'ceiling',
      [{ kind: 'learned_ceiling', ms: 30 * DAY }],
    ],
    [
      'too few samples fall back to three days',
      { Camera: { medianMs: 5 * DAY, samples: 19 } },
      3 * DAY,
      'fallback',
      [{ kind: 'learned_fallback', ms: 3 * DAY }],
    ],
    [
      'a product type never observed falls back to three days',
      { Lens: { medianMs: 5 * DAY, samples: 40 } },
      3 * DAY,
      'fallback',
      [{ kind: 'learned_fallback', ms: 3 * DAY }],
    ],
    [
      'no learned table at all falls back to three days',
      undefined,
      3 * DAY,
      'fallback',
      [{ kind: 'learned_fallback', ms: 3 * DAY }],
    ],
    [
      'the product type is looked up whatever its case',
      { camera: { medianMs: 5 * DAY, samples: 40 } },
      5 * DAY,
      'median',
      [],
    ],
  ];
  it.each(cases)('%s', (_name, learned, delayMs, used, adjustments) => {
    const d = decideTiming(camera(learned), learnedTiming(), placed);
    expect(d).toMatchObject({
      status: 'scheduled',
      delayMs,
      dueAt: new Date(placed.getTime() + delayMs),
      adjustments,
      learned: { used },
    });
  });

  it('the decision reports the learned figures it was based on', () => {
    const d = decideTiming(camera({ Camera: { medianMs: 2 * HOUR, samples: 40 } }), learnedTiming(), placed);
    expect(d).toMatchObject({ learned: { medianMs: 2 * HOUR, samples: 40, used: 'floor' } });
  });

  it('a product type never observed is reported with zero samples', () => {
    const d = decideTiming(camera({}), learnedTiming(), placed);
    expect(d).toMatchObject({ learned: { medianMs: 0, samples: 0, used: 'fallback' } });
  });

  it('configured floor, ceiling, fallback and minimum samples are honoured', () => {
    const timing = learnedTiming({ floor: '2d', ceiling: '10d', fallback: '7d', minSamples: 5 });
    const low = decideTiming(camera({ Camera: { medianMs: DAY, samples: 5 } }), timing, placed);
    const high = decideTiming(camera({ Camera: { medianMs: 11 * DAY, samples: 5 } }), timing, placed);
    const few = decideTiming(camera({ Camera: { medianMs: 5 * DAY, samples: 4 } }), timing, placed);
    expect([low, high, few].map((d) => (d.status === 'scheduled' ? d.delayMs : null))).toEqual([
      2 * DAY,
      10 * DAY,
      7 * DAY,
    ]);
  });

  it("the deciding line's product type is the one looked up", () => {
    const timing = timingConfig({ quietHours: false, rules: [{ when: {}, after: 'order', delay: 'learned' }] });
    const input = order(
      [line({ productType: 'Lens', unitPrice: '100' }), line({ productType: 'Camera', unitPrice: '900' })],
      {},
      {
        learned: { Lens: { medianMs: 2 * DAY, samples: 50 }, Camera: { medianMs: 9 * DAY, samples: 50 } },
      },
    );
    expect(decideTiming(input, timing, placed)).toMatchObject({ delayMs: 9 * DAY });
  });

  it("a learned default delay uses the most valuable line's product type", () => {
    const timing = timingConfig({ quietHours: false, default: { after: 'order', delay: 'learned' } });
    const input = order(
      [line({ productType: 'Camera', unitPrice: '900' }), line({ productType: 'Lens', unitPrice: '100' })],
      {},
      {
        learned: { Lens: { medianMs: 2 * DAY, samples: 50 }, Camera: { medianMs: 9 * DAY, samples: 50 } },
      },
    );
    expect(decideTiming(input, timing, placed)).toMatchObject({ rule: { index: null }, delayMs: 9 * DAY });
  });

  it('a waiting decision already carries the learned delay', () => {
    const timing = timingConfig({ default: { after: 'delivered', delay: 'learned' } });
    const input = order(
      [line({ productType: 'Camera' })],
      {},
      { learned: { Camera: { medianMs: 4 * DAY, samples: 50 } } },
    );
    expect(decideTiming(input, timing, placed)).toMatchObject({ status: 'waiting', delayMs: 4 * DAY });
  });

  it('the learned adjustment comes before a quiet-hours move', () => {
    const timing = timingConfig({ timezone: 'UTC', rules: [{ when: {}, after: 'order', delay: 'learned' }] });
    const late = order([line({ productType: 'Camera' })], { order: at('2024-06-03T22:00:00Z') });
    const d = decideTiming(late, timing, placed);
    expect(d.status === 'scheduled' && d.adjustments.map((a) => a.kind)).toEqual(['learned_fallback', 'quiet_hours']);
  });
});
