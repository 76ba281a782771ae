// Reading the headers a source needs; a missing one is the sender's error (400).
import { header, type Headers, WebhookRejection } from './source.js';

export function requireHeader(headers: Headers, name: string): string {
  const value = header(headers, name)?.trim();
  if (!value) throw new WebhookRejection(400, `missing ${name} header`);
  return value;
}

export function optionalHeader(headers: Headers, name: string): string | undefined {
  return header(headers, name)?.trim() || undefined;
}
