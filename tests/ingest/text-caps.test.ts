// Length caps on store text (src/text/caps.ts): titles 255 code points and names 100 at ingest,
// through every webhook source's canonical mapping; subjects 200 with an ellipsis.
import { describe, expect, it } from 'vitest';
import type { EventOf } from '../../src/domain/canonical-event.js';
import { shopify } from '../../src/ingest/sources/shopify.js';
import { woocommerce } from '../../src/ingest/sources/woocommerce.js';
import { standardWebhooks } from '../../src/ingest/sources/standard-webhooks.js';
import { capCodePoints, ellipsize } from '../../src/text/caps.js';
import { crossSellSubject } from '../../src/mail/render.js';
import { fixtureJson, json, shopifyHeaders, wooHeaders } from './sources/support.js';
import { item, props } from '../mail/fixtures.js';

const codePoints = (s: string) => [...s].length;
/** No lone surrogate: UTF-8 round-trips it unchanged (a lone half becomes U+FFFD). */
const wellFormed = (s: string) => Buffer.from(s, 'utf8').toString('utf8') === s;
const HUGE = 'T'.repeat(900_000);
/** 300 emoji (two UTF-16 units each): a cut by UTF-16 index would split a pair. */
const EMOJI = '🎮'.repeat(300);

describe('capCodePoints and ellipsize', () => {
  it('keeps short text as is and cuts long text to max code points, never splitting a surrogate pair', () => {
    expect(capCodePoints('Console X', 255)).toBe('Console X');
    expect(capCodePoints(HUGE, 255)).toBe('T'.repeat(255));
    const cut = capCodePoints(`a${EMOJI}`, 100);
    expect(codePoints(cut)).toBe(100);
    expect(cut).toBe(`a${'🎮'.repeat(99)}`);
    expect(wellFormed(cut)).toBe(true);
  });

  it('ellipsize ends a cut text with "…" within max code points', () => {
    expect(ellipsize('short', 200)).toBe('short');
    expect(ellipsize('x'.repeat(200), 200)).toBe('x'.repeat(200));
    expect(ellipsize('x'.repeat(201), 200)).toBe(`${'x'.repeat(199)}…`);
    expect(codePoints(ellipsize(EMOJI, 200))).toBe(200);
    expect(wellFormed(ellipsize(EMOJI, 200))).toBe(true);
  });
});

describe('caps at ingest, in the canonical mapping of every source', () => {
  it('Shopify products/create: a 900 KB title is stored as its first 255 code points', () => {
    const body = json({ ...fixtureJson('shopify-products-create.json'), title: HUGE });
    const [event] = shopify.parse(body, shopifyHeaders('products/create')).events as EventOf<'product.upserted'>[];
    expect(event!.data.product.title).toBe('T'.repeat(255));
  });

  it('Shopify orders/create: line titles capped at 255 and names at 100 code points', () => {
    const order = fixtureJson('shopify-orders-create.json');
    const lines = (order.line_items as Record<string, unknown>[]).map((l) => ({ ...l, title: EMOJI, name: EMOJI }));
    const customer = { ...(order.customer as object), first_name: HUGE, last_name: EMOJI };
    const body = json({ ...order, line_items: lines, customer });
    const created = shopify
      .parse(body, shopifyHeaders('orders/create'))
      .events.find((e) => e.type === 'order.created') as EventOf<'order.created'>;
    for (const line of created.data.order.lines) {
      expect(codePoints(line.title)).toBe(255);
      expect(wellFormed(line.title)).toBe(true);
    }
    expect(created.data.order.customer.firstName).toBe('T'.repeat(100));
    expect(created.data.order.customer.lastName).toBe('🎮'.repeat(100));
  });

  it('WooCommerce product.created: the name (title) is capped', () => {
    const body = json({ ...fixtureJson('woocommerce-product-created.json'), name: HUGE });
    const [event] = woocommerce.parse(body, wooHeaders('product.created')).events as EventOf<'product.upserted'>[];
    expect(event!.data.product.title).toHaveLength(255);
  });

  it('canonical events: product title, order line title and customer names are capped', () => {
    const parse = (event: object) => standardWebhooks.parse(json(event), { 'webhook-id': 'msg_caps' }).events[0]!;
    const product = parse({
      type: 'product.upserted',
      data: { store: 's', product: { id: 'P1', title: HUGE } },
    }) as EventOf<'product.upserted'>;
    expect(product.data.product.title).toHaveLength(255);
    const order = parse({
      type: 'order.created',
      data: {
        store: 's',
        order: {
          id: '1',
          createdAt: '2026-01-01T00:00:00Z',
          currency: 'USD',
          customer: { email: 'a@example.com', firstName: HUGE, lastName: 'Short' },
          lines: [{ productId: 'P1', title: EMOJI, quantity: 1, unitPrice: '1.00' }],
        },
      },
    }) as EventOf<'order.created'>;
    expect(codePoints(order.data.order.lines[0]!.title)).toBe(255);
    expect(order.data.order.customer).toMatchObject({ firstName: 'T'.repeat(100), lastName: 'Short' });
    const customer = parse({
      type: 'customer.updated',
      data: { store: 's', customer: { email: 'a@example.com', lastName: HUGE } },
    }) as EventOf<'customer.updated'>;
    expect(customer.data.customer.lastName).toHaveLength(100);
  });
});

describe('crossSellSubject', () => {
  it('never exceeds 200 characters: a long anchor title ends in "…"', () => {
    const subject = crossSellSubject(props({ items: [item({ productId: 'P2', anchorTitle: HUGE })] }));
    expect(subject).toHaveLength(200);
    expect(subject).toMatch(/^Picked for your T+…$/);
    const emoji = crossSellSubject(props({ items: [item({ productId: 'P2', anchorTitle: EMOJI })] }));
    expect(codePoints(emoji)).toBe(200);
    expect(wellFormed(emoji)).toBe(true);
  });

  it('a long store name (no anchor) is cut too; a normal subject is unchanged', () => {
    const long = crossSellSubject(props({ items: [], bought: [], store: { ...props().store, name: HUGE } }));
    expect(long).toHaveLength(200);
    expect(crossSellSubject(props({ items: [item({ productId: 'P2' })] }))).toBe('Picked for your Console X');
  });
});
