// Renders the cross-sell email: subject, HTML and text part. One render per email, the text
// part derived from that HTML (rendering twice halves throughput), never `pretty` (~10 ms).
// The text is html-to-text's, mostly computed without it (plain-text.ts, ~3x cheaper).
// `plainTextSelectors` come from @react-email/render 2.3, not the older copy inside components.
import { createElement, type ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { plainTextSelectors } from '@react-email/render';
import { compile } from 'html-to-text';
import { reactHtmlToText } from './plain-text.js';
import CrossSell, { orderItems, type CrossSellProps } from '../../emails/CrossSell.js';
import { mailStrings } from './i18n.js';
import { ellipsize, SUBJECT_MAX } from '../text/caps.js';

export type { BundleOfferData, CrossSellProps, CrossSellItem } from '../../emails/CrossSell.js';

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

/** At most SUBJECT_MAX characters: titles and store names are the store's, of any length. */
export function crossSellSubject(props: CrossSellProps): string {
  const first = orderItems(props.items)[0];
  const subject = mailStrings(props.locale).subject({
    anchor: first?.anchorTitle ?? props.bought[0]?.title,
    storeName: props.store.name,
    required: first?.required === true,
  });
  return ellipsize(subject, SUBJECT_MAX);
}

// React Email's toPlainText() rebuilds its html-to-text converter on every call; the same
// options compiled once give the same text in less than half the time.
const toPlainText = compile({ wordwrap: false, selectors: plainTextSelectors });

export async function renderCrossSell(props: CrossSellProps): Promise<RenderedEmail> {
  // An email without products has nothing to say; the scheduler skips with `no_complements`.
  if (props.items.length === 0) throw new Error('renderCrossSell: items is empty');
  const html = renderEmailHtml(createElement(CrossSell, props));
  return { subject: crossSellSubject(props), html, text: plainText(html) };
}

/** The text part: html-to-text's, by the port in plain-text.ts unless the markup is outside it. */
export function plainText(html: string): string {
  return reactHtmlToText(html) ?? toPlainText(html);
}

const XHTML_DOCTYPE =
  '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">';
// React 19 adds `<link rel="preload" as="image">` for every <img>: noise in an email.
const IMAGE_PRELOAD = /<link rel="preload" as="image"[^>]*>/g;

/**
 * The HTML React Email's `render()` gives (its doctype, no image preload hints) for templates
 * without Suspense, rendered synchronously: `render()` streams through Suspense and a
 * MessageChannel and takes ~1.1 ms where this takes ~0.35 ms. A template that suspends would
 * throw here rather than send a fallback.
 */
export function renderEmailHtml(element: ReactElement): string {
  return XHTML_DOCTYPE + renderToStaticMarkup(element).replace(IMAGE_PRELOAD, '');
}

/**
 * Renders the preview email once so the first real send does not pay for loading
 * react-dom/server and JIT warm-up (~tens of ms). Call at worker start-up.
 */
export async function warmUpRenderer(): Promise<void> {
  await renderCrossSell(CrossSell.PreviewProps);
}
