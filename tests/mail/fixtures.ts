// Props for mail tests: the template's own preview data plus edge cases built from it.
import CrossSell, { type CrossSellItem, type CrossSellProps } from '../../emails/CrossSell.js';

export const preview: CrossSellProps = CrossSell.PreviewProps;

export function props(overrides: Partial<CrossSellProps> = {}): CrossSellProps {
  return structuredClone({ ...preview, ...overrides });
}

export function item(overrides: Partial<CrossSellItem> & Pick<CrossSellItem, 'productId'>): CrossSellItem {
  return {
    title: `Product ${overrides.productId}`,
    href: `https://mail.shop.example/c/${overrides.productId}?s=1&t=abc`,
    reasonCode: 'goes_with',
    anchorTitle: 'Console X',
    ...overrides,
  };
}

/** A small inline SVG so browser tests load no external images. */
export function placeholderImage(label: string, color = '#c4b5fd'): string {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="320" height="320" viewBox="0 0 320 320"><rect width="320" height="320" fill="${color}"/><text x="160" y="172" font-family="sans-serif" font-size="36" text-anchor="middle" fill="#1e1b4b">${label}</text></svg>`;
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
}

const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&quot;': '"',
  '&#x27;': "'",
  '&#39;': "'",
  '&lt;': '<',
  '&gt;': '>',
};
const decode = (s: string) => s.replace(/&(amp|quot|#x27|#39|lt|gt);/g, (e) => ENTITIES[e]);

/** Every <a href> in document order, entity-decoded. */
export function hrefs(html: string): string[] {
  return [...html.matchAll(/<a\b[^>]*?\shref="([^"]*)"/g)].map((m) => decode(m[1]));
}

/** Every <img> tag's alt attribute (undefined when missing). */
export function imgAlts(html: string): (string | undefined)[] {
  return [...html.matchAll(/<img\b[^>]*>/g)].map((m) => {
    const alt = /\salt="([^"]*)"/.exec(m[0]);
    return alt ? decode(alt[1]) : undefined;
  });
}
