// Reads a webhook body as JSON without losing digits: numbers stay LosslessNumber (their exact
// source text), so Shopify's 18-digit ids never pass through a float.
import { parse } from 'lossless-json';
import { WebhookRejection } from './source.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function parseJsonBody(raw: Buffer): unknown {
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    throw new WebhookRejection(400, 'body is not valid UTF-8');
  }
  if (text.trim() === '') throw new WebhookRejection(400, 'body is empty; expected a JSON object');
  try {
    // Duplicate keys: last one wins, as with JSON.parse (lossless-json would throw by default).
    return parse(text, null, { onDuplicateKey: ({ newValue }) => newValue });
  } catch (err) {
    if (err instanceof RangeError) throw new WebhookRejection(400, 'body is not valid JSON: nested too deeply');
    const reason = err instanceof Error ? err.message : String(err);
    throw new WebhookRejection(400, `body is not valid JSON: ${reason}`);
  }
}
