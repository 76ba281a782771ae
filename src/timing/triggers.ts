// When a trigger has happened, judged from the milestones seen so far.
import type { Milestones, Trigger } from './types.js';

const present = (d: Date | undefined): d is Date => d !== undefined && !Number.isNaN(d.getTime());

function earliest(...dates: (Date | undefined)[]): Date | undefined {
  const seen = dates.filter(present);
  return seen.length === 0 ? undefined : new Date(Math.min(...seen.map((d) => d.getTime())));
}

/**
 * The trigger's time, or undefined while it hasn't happened. Later milestones imply earlier ones
 * (stores fulfil paid orders; delivered implies fulfilled), so a missed "paid" webhook doesn't
 * hold the email forever; the implied time is the earliest later milestone. Delivered needs itself.
 */
export function triggerTime(trigger: Trigger, m: Milestones): Date | undefined {
  switch (trigger) {
    case 'order':
      return m.order;
    case 'paid':
      return present(m.paid) ? m.paid : earliest(m.fulfilled, m.delivered);
    case 'fulfilled':
      return present(m.fulfilled) ? m.fulfilled : earliest(m.delivered);
    case 'delivered':
      return present(m.delivered) ? m.delivered : undefined;
  }
}

/** Order in which triggers normally happen; used to pick what a multi-rule order waits for. */
export const TRIGGER_RANK: Record<Trigger, number> = { order: 0, paid: 1, fulfilled: 2, delivered: 3 };
