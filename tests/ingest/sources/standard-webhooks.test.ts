import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import type { EventOf } from '../../../src/domain/canonical-event.js';
import { standardWebhooks } from '../../../src/ingest/sources/standard-webhooks.js';
import { expectValidDelivery, json, rejection, vectors } from './support.js';

const [vector] = vectors.standard_webhooks;
const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const otherSecret = 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD';
const now = new Date('2026-11-20T10:00:00Z');

/** Headers as a sender using the official library would send them. */
function signed(body: Buffer | string, key = secret, at = now, id = 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W') {
  const signature = new Webhook(key).sign(id, at, body.toString());
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signature,
  };
}

const orderCreated = {
  type: 'order.created',
  data: {
    store: 'demo',
    order: {
      id: '1001',
      createdAt: '2026-11-20T10:00:00Z',
      currency: 'USD',
      shippingCountry: 'US',
      customer: {
        id: 'C1',
        email: 'ann@example.com',
        firstName: 'Ann',
        locale: 'en-US',
        timezone: 'America/New_York',
        marketingConsent: true,
      },
      lines: [
        {
          productId: 'P1',
          variantId: 'V1',
          sku: 'CX-1',
          title: 'Console X',
          productType: 'Video Game Console',
          tags: ['console'],
          quantity: 1,
          unitPrice: '399.00',
        },
      ],
    },
  },
};

describe('Standard Webhooks signature', () => {
  it('accepts the published test vector (at its own time)', () => {
    const headers = {
      'webhook-id': vector['webhook-id'],
      'webhook-timestamp': vector['webhook-timestamp'],
      'webhook-signature': vector.expected_signature_header,
    };
    const at = new Date(Number(vector['webhook-timestamp']) * 1000);
    expect(() => standardWebhooks.verify(Buffer.from(vector.body), headers, vector.secret, at)).not.toThrow();
  });

  it('accepts a body signed by the standardwebhooks package', () => {
    const body = json(orderCreated);
    expect(() => standardWebhooks.verify(body, signed(body), secret, now)).not.toThrow();
  });

  it('agrees with the standardwebhooks package on any body, id and key', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme' }),
        fc.stringMatching(/^msg_[A-Za-z0-9]{1,30}$/),
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        (body, id, key) => {
          const whsec = `whsec_${Buffer.from(key).toString('base64')}`;
          const headers = signed(body, whsec, now, id);
          expect(() => standardWebhooks.verify(Buffer.from(body), headers, whsec, now)).not.toThrow();
        },
      ),
    );
  });

  it('rejects a tampered body, a wrong key and a changed id with 401', () => {
    const body = json(orderCreated);
    const headers = signed(body);
    const tampered = Buffer.from(body.toString().replace('399.00', '1.00'));
    expect(rejection(() => standardWebhooks.verify(tampered, headers, secret, now))).toMatchObject({
      status: 401,
      message: 'no webhook-signature matches the body signed with the shared secret',
    });
    expect(rejection(() => standardWebhooks.verify(body, headers, otherSecret, now)).status).toBe(401);
    expect(
      rejection(() => standardWebhooks.verify(body, { ...headers, 'webhook-id': 'msg_other' }, secret, now)).status,
    ).toBe(401);
  });

  it('allows 5 minutes of clock skew either way, no more', () => {
    const body = json(orderCreated);
    const at = (seconds: number) => new Date(now.getTime() + seconds * 1000);
    expect(() => standardWebhooks.verify(body, signed(body, secret, at(-300)), secret, now)).not.toThrow();
    expect(() => standardWebhooks.verify(body, signed(body, secret, at(300)), secret, now)).not.toThrow();
    expect(rejection(() => standardWebhooks.verify(body, signed(body, secret, at(-301)), secret, now))).toMatchObject({
      status: 401,
      message: expect.stringMatching(/^webhook-timestamp too old/),
    });
    expect(rejection(() => standardWebhooks.verify(body, signed(body, secret, at(301)), secret, now))).toMatchObject({
      status: 401,
      message: expect.stringMatching(/^webhook-timestamp too new/),
    });
    const headers = { ...signed(body), 'webhook-timestamp': '1.7e9' };
    expect(rejection(() => standardWebhooks.verify(body, headers, secret, now)).message).toMatch(/not a Unix time/);
  });

  it('passes when any one of several signatures matches', () => {
    const body = json(orderCreated);
    const good = signed(body)['webhook-signature'];
    const wrong = signed(body, otherSecret)['webhook-signature'];
    const headers = { ...signed(body), 'webhook-signature': `v1a,c29tZXRoaW5n ${wrong} ${good}` };
    expect(() => standardWebhooks.verify(body, headers, secret, now)).not.toThrow();
    const none = { ...headers, 'webhook-signature': `${wrong} v2,${good.slice(3)}` };
    expect(rejection(() => standardWebhooks.verify(body, none, secret, now)).status).toBe(401);
  });

  it('during key rotation accepts either secret, separated by spaces or commas', () => {
    const body = json(orderCreated);
    for (const rotated of [`${otherSecret} ${secret}`, `${secret},${otherSecret}`, ` ${otherSecret} ,  ${secret} `]) {
      expect(() => standardWebhooks.verify(body, signed(body, secret), rotated, now)).not.toThrow();
      expect(() => standardWebhooks.verify(body, signed(body, otherSecret), rotated, now)).not.toThrow();
    }
    const third = 'whsec_dGhpcmQga2V5IGZvciB0ZXN0aW5nIG9ubHk=';
    expect(
      rejection(() => standardWebhooks.verify(body, signed(body, third), `${secret} ${otherSecret}`, now)).status,
    ).toBe(401);
  });

  it.each(['webhook-id', 'webhook-timestamp', 'webhook-signature'])('a missing %s is a 401', (name) => {
    const body = json(orderCreated);
    const headers: Record<string, string> = signed(body);
    delete headers[name];
    expect(rejection(() => standardWebhooks.verify(body, headers, secret, now))).toMatchObject({
      status: 401,
      message: `missing ${name} header`,
    });
  });

  it('a malformed configured secret is our error, not the sender’s', () => {
    const body = json(orderCreated);
    expect(() => standardWebhooks.verify(body, signed(body), 'whsec_not base64!', now)).toThrow(
      /STANDARD_WEBHOOK_SECRET/,
    );
    expect(() => standardWebhooks.verify(body, signed(body), '', now)).toThrow(/STANDARD_WEBHOOK_SECRET is empty/);
  });
});

describe('Standard Webhooks canonical events', () => {
  const parse = (body: unknown) =>
    standardWebhooks.parse(typeof body === 'string' ? Buffer.from(body) : json(body), { 'webhook-id': 'msg_1' });

  it('the SPEC examples parse as they are', () => {
    const examples = [
      orderCreated,
      {
        type: 'product.upserted',
        data: {
          store: 'demo',
          product: {
            id: 'P1',
            title: 'Console X',
            productType: 'Video Game Console',
            tags: ['console'],
            url: 'https://shop.example/p/console-x',
            imageUrl: 'https://shop.example/i/cx.png',
            price: '399.00',
            currency: 'USD',
            available: true,
            complements: [{ id: 'P3', required: true }, { id: 'P2' }],
          },
        },
      },
      { type: 'order.fulfilled', data: { store: 'demo', orderId: '1001', at: '2026-11-21T09:00:00Z' } },
      {
        type: 'order.refunded',
        data: {
          store: 'demo',
          orderId: '1001',
          at: '2026-11-22T09:00:00Z',
          lines: [{ productId: 'P1', quantity: 1, amount: '399.00' }],
        },
      },
      {
        type: 'ticket.opened',
        data: {
          store: 'demo',
          ticketId: 'T1',
          at: '2026-11-22T09:00:00Z',
          customer: { email: 'ann@example.com' },
          orderId: '1001',
        },
      },
      {
        type: 'customer.updated',
        data: { store: 'demo', customer: { email: 'ann@example.com', marketingConsent: false } },
      },
      { type: 'customer.unsubscribed', data: { store: 'demo', email: 'ann@example.com' } },
      { type: 'customer.erased', data: { store: 'demo', email: 'ann@example.com' } },
    ];
    for (const example of examples) {
      const delivery = parse(example);
      expectValidDelivery(delivery);
      expect(delivery).toMatchObject({ deliveryId: 'msg_1', topic: example.type, store: 'demo' });
      expect(delivery.events).toEqual([example]);
    }
  });

  it('keeps numeric ids exact and as strings', () => {
    const body = JSON.stringify(orderCreated)
      .replace('"id":"1001"', '"id":820982911946154508')
      .replace('"productId":"P1"', '"productId":7');
    const { order } = (parse(body).events[0] as EventOf<'order.created'>).data;
    expect(order.id).toBe('820982911946154508');
    expect(order.lines[0].productId).toBe('7');
  });

  it('names the field path of what is wrong', () => {
    const priced = structuredClone(orderCreated);
    (priced.data.order.lines[0] as Record<string, unknown>).unitPrice = 399.5;
    expect(rejection(() => parse(priced))).toMatchObject({
      status: 400,
      message: 'data.order.lines[0].unitPrice: expected string, received number',
    });
    const badMoney = structuredClone(orderCreated);
    badMoney.data.order.lines[0].unitPrice = '399,00';
    expect(rejection(() => parse(badMoney)).message).toBe(
      'data.order.lines[0].unitPrice: expected a decimal string such as "12.50"',
    );
    const noCurrency = structuredClone(orderCreated) as { data: { order: Record<string, unknown> } };
    delete noCurrency.data.order.currency;
    expect(rejection(() => parse(noCurrency)).message).toBe('data.order.currency: missing (expected string)');
    expect(rejection(() => parse({ type: 'order.shipped', data: {} })).message).toMatch(
      /^type: expected one of product.upserted, order.created/,
    );
    expect(
      rejection(() =>
        parse({ ...orderCreated, data: { ...orderCreated.data, order: { ...orderCreated.data.order, id: {} } } }),
      ).message,
    ).toBe('data.order.id: expected string or number');
  });

  it('malformed JSON and a missing webhook-id are 400s', () => {
    expect(rejection(() => parse('{"type":')).message).toMatch(/^body is not valid JSON: /);
    expect(rejection(() => parse('"order.created"')).message).toBe('body: expected object, received string');
    expect(rejection(() => standardWebhooks.parse(json(orderCreated), {}))).toMatchObject({
      status: 400,
      message: 'missing webhook-id header',
    });
  });
});
