// Signed tokens for unsubscribe and click links: they name a send (and a product), never an
// address, and cannot be forged or altered without LINK_SECRET.
import { createHmac, timingSafeEqual } from 'node:crypto';

export type LinkToken = { kind: 'u'; crossSellId: string } | { kind: 'c'; crossSellId: string; productId: string };

export class LinkSigner {
  constructor(private readonly secret: string) {}

  sign(token: LinkToken): string {
    const body = token.kind === 'u' ? `u.${token.crossSellId}` : `c.${token.crossSellId}.${token.productId}`;
    const payload = Buffer.from(body).toString('base64url');
    return `${payload}.${this.mac(payload)}`;
  }

  verify(text: string): LinkToken | null {
    const [payload, mac, extra] = text.split('.');
    if (!payload || !mac || extra !== undefined) return null;
    const expected = Buffer.from(this.mac(payload));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    const parts = Buffer.from(payload, 'base64url').toString('utf8').split('.');
    if (parts[0] === 'u' && parts.length === 2 && /^\d+$/.test(parts[1]!)) return { kind: 'u', crossSellId: parts[1]! };
    if (parts[0] === 'c' && parts.length >= 3 && /^\d+$/.test(parts[1]!))
      return { kind: 'c', crossSellId: parts[1]!, productId: parts.slice(2).join('.') };
    return null;
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.secret).update(payload).digest('base64url').slice(0, 22);
  }
}
