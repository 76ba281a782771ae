// The text part's fast path (src/mail/plain-text.ts) must give html-to-text's text exactly, as
// React Email's toPlainText computes it, or step aside: checked on the template and on random
// React markup made of the elements it supports, with whitespace, entities and links.
import { createElement as h, type ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { toPlainText } from '@react-email/render';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { reactHtmlToText } from '../../src/mail/plain-text.js';
import { plainText, renderCrossSell } from '../../src/mail/render.js';
import { item, preview, props } from './fixtures.js';

const page = (body: ReactNode) => renderToStaticMarkup(h('html', null, h('head', null), h('body', null, body)));

describe('the fast text path', () => {
  it('takes the template and gives toPlainText’s text', async () => {
    const variants = [
      preview,
      props({ bundle: undefined }),
      props({ store: { ...preview.store, logoUrl: undefined, address: undefined } }),
      props({ items: [item({ productId: 'A', title: '  spaced\u200b  out  ', imageUrl: undefined })] }),
      props({ customer: {}, locale: 'de-DE' }),
    ];
    for (const p of variants) {
      const { html, text } = await renderCrossSell(p);
      expect(reactHtmlToText(html)).toBeDefined();
      expect(text).toBe(toPlainText(html));
    }
  });

  it('steps aside for markup it does not handle, and the text is still html-to-text’s', () => {
    const html = page(h('ul', null, h('li', null, 'one'), h('li', null, 'two')));
    expect(reactHtmlToText(html)).toBeUndefined();
    expect(plainText(html)).toBe(toPlainText(html));
    expect(plainText(html)).toContain('one');
    expect(reactHtmlToText('<p>no body</p>')).toBeUndefined();
    expect(reactHtmlToText(page(h('table', { 'data-text-format': 'dataTable' })))).toBeUndefined();
  });

  it('gives toPlainText’s text for any markup of the elements it supports', () => {
    let fast = 0;
    fc.assert(
      fc.property(markup(), (body) => {
        const html = page(body);
        const text = reactHtmlToText(html);
        if (text !== undefined) fast++;
        expect(text ?? toPlainText(html)).toBe(toPlainText(html));
      }),
      { numRuns: 300 },
    );
    expect(fast).toBeGreaterThan(200); // most of it went the fast way, so it was tested
  });
});

/** Random React trees of p, div, table cells, span, links, br, hr, img and skipped elements. */
function markup(): fc.Arbitrary<ReactNode> {
  const text = fc
    .array(fc.constantFrom('a', 'Bc', ' ', '  ', '\n', '\t', '\u200b', '&', '<b>', '"', "'", '\u00a0', '.', 'x=y'), {
      maxLength: 6,
    })
    .map((parts) => parts.join(''));
  const href = fc.constantFrom('https://shop.example/p?a=1&b=2', 'mailto:a@b.example', '#top', '', 'Bc', 'a b');
  const skip = { 'data-skip-in-text': 'true' };
  const { block } = fc.letrec<{ inline: ReactNode; link: ReactNode; block: ReactNode }>((tie) => ({
    inline: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      text,
      fc.constant(h('br')),
      fc.constant(h('img', { src: 'https://i.example/x.png', alt: 'alt' })),
      fc.array(tie('inline'), { maxLength: 3 }).map((c) => h('span', null, ...c)),
      fc.array(tie('inline'), { maxLength: 2 }).map((c) => h('span', skip, ...c)),
      tie('link'),
    ),
    // No link inside a link: React would nest them, browsers and html-to-text would not agree.
    // Its words may be its href (which html-to-text then does not repeat).
    link: fc
      .tuple(href, fc.array(fc.oneof(text, fc.constant(h('br'))), { maxLength: 3 }), fc.boolean())
      .map(([to, c, same]) => h('a', to ? { href: to } : null, ...(same ? [to.replace(/^mailto:/, '')] : c))),
    block: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.array(tie('inline'), { maxLength: 3 }).map((c) => h('p', null, ...c)),
      fc.array(fc.oneof(tie('block'), tie('inline')), { maxLength: 3 }).map((c) => h('div', null, ...c)),
      fc.array(fc.oneof(tie('block'), tie('inline')), { maxLength: 2 }).map((c) => h('div', skip, ...c)),
      fc
        .array(fc.array(fc.oneof(tie('block'), tie('inline')), { maxLength: 2 }), { minLength: 1, maxLength: 3 })
        .map((cells) => h('table', null, h('tbody', null, h('tr', null, ...cells.map((c) => h('td', null, ...c)))))),
      fc.constant(h('hr')),
    ),
  }));
  return fc.array(fc.oneof(block, text), { maxLength: 4 }).map((c) => h('div', null, ...c));
}
