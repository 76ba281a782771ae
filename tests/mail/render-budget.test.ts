// The render budget depends on rules that timing on a shared 2-core machine cannot check
// reliably, so they are checked directly: one synchronous React render per email (no
// Suspense streaming, never `pretty`), the same HTML React Email's render() gives, and the
// text part derived from that HTML exactly as React Email's toPlainText does.
import { createElement } from 'react';
import { beforeEach, expect, it, vi } from 'vitest';

vi.mock('react-dom/server', async (importOriginal) => {
  const real = await importOriginal<typeof import('react-dom/server')>();
  return { ...real, default: real, renderToStaticMarkup: vi.fn(real.renderToStaticMarkup) };
});

const { renderToStaticMarkup } = await import('react-dom/server');
const { render, toPlainText } = await import('@react-email/render');
const { renderCrossSell } = await import('../../src/mail/render.js');
const { default: CrossSell } = await import('../../emails/CrossSell.js');
const { preview } = await import('./fixtures.js');

beforeEach(() => vi.mocked(renderToStaticMarkup).mockClear());

it('renders once per email, synchronously, and converts that HTML to text as React Email does', async () => {
  const mail = await renderCrossSell(preview);
  expect(renderToStaticMarkup).toHaveBeenCalledTimes(1);
  // Our converter is compiled once; its text must be exactly React Email's toPlainText's.
  expect(mail.text).toBe(toPlainText(mail.html));
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
