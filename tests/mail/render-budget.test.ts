// The render budget (NOTES: ~0.6 ms per render, ~750/s with the text part) depends on three
// rules that timing on a shared 2-core machine cannot check reliably, so they are checked
// directly: one render() per email, never `pretty`, text derived from the HTML.
import { beforeEach, expect, it, vi } from 'vitest';

vi.mock('@react-email/render', async (importOriginal) => {
  const real = await importOriginal<typeof import('@react-email/render')>();
  return { ...real, render: vi.fn(real.render) };
});

const { render, toPlainText } = await import('@react-email/render');
const { renderCrossSell } = await import('../../src/mail/render.js');
const { preview } = await import('./fixtures.js');

beforeEach(() => vi.mocked(render).mockClear());

it('renders once per email, without pretty or plainText options, and converts that HTML to text as React Email does', async () => {
  const mail = await renderCrossSell(preview);
  expect(render).toHaveBeenCalledTimes(1);
  const options = vi.mocked(render).mock.calls[0][1];
  expect(options?.pretty).toBeFalsy();
  expect(options?.plainText).toBeFalsy();
  // Our converter is compiled once; its text must be exactly React Email's toPlainText's.
  expect(mail.text).toBe(toPlainText(mail.html));
});
