// The render budget depends on rules that timing on a shared 2-core machine cannot check
// reliably, so they are checked directly: one synchronous React render per email (no
// Suspense streaming, never `pretty`), the same HTML React Email's render() gives, and the
// text part derived from that HTML exactly as React Email's toPlainText does.
import { createElement } from 'react';
import { beforeEach, expect, it, vi } from 'vitest';
import fc from 'fast-check';

vi.mock('react-dom/server', async (importOriginal) => {
  const real = await importOriginal<typeof import('react-dom/server')>();
  return { ...real, default: real, renderToStaticMarkup: vi.fn(real.renderToStaticMarkup) };
});

const { renderToStaticMarkup } = await import('react-dom/server');
const { render, toPlainText } = await import('@react-email/render');
const { renderCrossSell } = await import('../../src/mail/render.js');
const { default: CrossSell } = await import('../../emails/CrossSell.js');
const { preview, props, item } = await import('./fixtures.js');

beforeEach(() => vi.mocked(renderToStaticMarkup).mockClear());

it('renders once per email, synchronously, and converts that HTML to text as React Email does', async () => {
  const mail = await renderCrossSell(preview);
  expect(renderToStaticMarkup).toHaveBeenCalledTimes(1);
  // Our text comes from plain-text.ts's port of html-to-text (or html-to-text compiled once);
  // it must still be exactly React Email's toPlainText's of the whole HTML.
  expect(mail.text).toBe(toPlainText(mail.html));
});

it('gives the same text as toPlainText for any titles, names, locales and bundles', async () => {
  // Text that looks like markup or an attribute must come out as written.
  const tricky = fc.constantFrom(' style="x"', '"', '&', '<b>', 'style=', "'", 'Größe');
  const words = fc
    .array(fc.oneof(fc.string({ maxLength: 8 }), tricky), { minLength: 1, maxLength: 4 })
    .map((w) => w.join(''));
  await fc.assert(
    fc.asyncProperty(
      fc.array(words, { minLength: 1, maxLength: 3 }),
      words,
      fc.constantFrom('en-US', 'de-DE'),
      fc.boolean(),
      async (titles, firstName, locale, bundle) => {
        const mail = await renderCrossSell(
          props({
            locale,
            customer: { ...preview.customer, firstName },
            items: titles.map((title, i) => item({ productId: `P${i}`, title })),
            bundle: bundle ? preview.bundle : undefined,
          }),
        );
        expect(mail.text).toBe(toPlainText(mail.html));
      },
    ),
    { numRuns: 60 },
  );
});

it("gives React Email's render() HTML without its Suspense stream markers", async () => {
  const mail = await renderCrossSell(preview);
  const reference = await render(createElement(CrossSell, preview));
  expect(reference).toMatch(/<!--\$-->/); // the markers this comparison removes are really there
  const withoutMarkers = reference.replace(/<!--(\$|\/\$|html|head|body)-->/g, '');
  expect(mail.html).toBe(withoutMarkers);
  expect(mail.html).toMatch(/^<!DOCTYPE html PUBLIC "-\/\/W3C\/\/DTD XHTML 1.0 Transitional\/\/EN"/);
  expect(mail.html).not.toMatch(/rel="preload"/);
});
