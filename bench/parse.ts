// Parse: the Shopify adapter reading the largest body the receiver accepts (1 MiB), an order
// padded with long numbers and digit runs followed by '.', inside and outside strings. Only a
// signed body gets this far, so the figure is what one store delivery can cost the event loop.
import { shopify } from '../src/ingest/sources/shopify.js';
import { round } from './load.js';

const MiB = 1_048_576;
/** A 40,000-digit run followed by '.': the input that once took seconds (a regex retried it from every digit). */
const HOSTILE_RUN = '7'.repeat(40_000);
const PIECES = [
  '820982911946154508',
  '-1234567890123456789012.75',
  '98765432109876543210987654321e-5',
  '"ref 4111111111111111111. then 12345678901234567890.x"',
  '0.30000000000000004',
];

/** `template` (an order's JSON text) with long numbers added up to exactly 1 MiB. */
export function longNumbersBody(template: string): Buffer {
  const head = `{"bench_note": "${HOSTILE_RUN}. end", "bench_long": ${HOSTILE_RUN}.5, "bench_padding": [`;
  const tail = `0], ${template.trimStart().slice(1)}`;
  let room = MiB - Buffer.byteLength(head + tail);
  const items: string[] = [];
  for (let i = 0; ; i++) {
    const piece = `${PIECES[i % PIECES.length]}, `;
    if (piece.length > room) break;
    items.push(piece);
    room -= piece.length;
  }
  return Buffer.from(head + items.join('') + ' '.repeat(room) + tail);
}

/** Median milliseconds of shopify.parse over the 1 MiB body, after warming up. */
export function benchParseLongNumbers(template: string): number {
  const body = longNumbersBody(template);
  if (body.length !== MiB) throw new Error(`parse bench: body is ${body.length} bytes, not 1 MiB`);
  const headers = {
    'x-shopify-topic': 'orders/create',
    'x-shopify-shop-domain': 'bench-parse.myshopify.com',
    'x-shopify-webhook-id': 'bench-parse',
  };
  const times: number[] = [];
  for (let i = 0; i < 12; i++) {
    const start = performance.now();
    const delivery = shopify.parse(body, headers);
    times.push(performance.now() - start);
    if (delivery.events[0]?.type !== 'order.created')
      throw new Error('parse bench: the padded order did not map to order.created');
  }
  return round(times.slice(2).sort((a, b) => a - b)[5]!, 1);
}
