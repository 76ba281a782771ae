// Renders the cross-sell email: subject, HTML and text part. One render() per email, the text
// part derived from that HTML (rendering twice halves throughput), never `pretty` (~10 ms).
// `render`/`toPlainText` come from @react-email/render 2.3, not the older copy inside components.
import { createElement } from 'react';
import { render, plainTextSelectors } from '@react-email/render';
import { compile } from 'html-to-text';
import CrossSell, { orderItems, type CrossSellProps } from '../../emails/CrossSell.js';
import { mailStrings } from './i18n.js';

export type { CrossSellProps, CrossSellItem } from '../../emails/CrossSell.js';

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

export function crossSellSubject(props: CrossSellProps): string {
  const first = orderItems(props.items)[0];
  return mailStrings(props.locale).subject({
    anchor: first?.anchorTitle ?? props.bought[0]?.title,
    storeName: props.store.name,
    required: first?.required === true,
  });
}

// React Email's toPlainText() rebuilds its html-to-text converter on every call; the same
// options compiled once give the same text in less than half the time.
const toPlainText = compile({ wordwrap: false, selectors: plainTextSelectors });

export async function renderCrossSell(props: CrossSellProps): Promise<RenderedEmail> {
  // An email without products has nothing to say; the scheduler skips with `no_complements`.
  if (props.items.length === 0) throw new Error('renderCrossSell: items is empty');
  const html = await render(createElement(CrossSell, props));
  return { subject: crossSellSubject(props), html, text: toPlainText(html) };
}

/**
 * Renders the preview email once so the first real send does not pay for loading
 * react-dom/server and JIT warm-up (~tens of ms). Call at worker start-up.
 */
export async function warmUpRenderer(): Promise<void> {
  await renderCrossSell(CrossSell.PreviewProps);
}
