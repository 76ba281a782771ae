import { render, toPlainText } from '@react-email/render';
import { Body, Html, Text } from '@react-email/components';
import { createElement as h } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import CrossSell from '../../emails/CrossSell.js';
import { renderCrossSell } from '../../src/mail/render.js';
const p = CrossSell.PreviewProps;
const Tiny = () => h(Html, null, h(Body, null, h(Text, null, 'hello')));
async function p50(fn: () => unknown, n = 500) {
  for (let i = 0; i < 200; i++) await fn();
  const ts: number[] = [];
  for (let i = 0; i < n; i++) { const t = performance.now(); await fn(); ts.push(performance.now() - t); }
  ts.sort((a, b) => a - b);
  return ts[n >> 1];
}
const rows: Record<string, number[]> = {};
for (let round = 0; round < 5; round++) {
  const r = {
    tinyRender: await p50(() => render(h(Tiny))),
    crossSellHtml: await p50(() => render(h(CrossSell, p))),
    crossSellStaticMarkup: await p50(() => renderToStaticMarkup(h(CrossSell, p))),
    renderCrossSell: await p50(() => renderCrossSell(p)),
  };
  for (const [k, v] of Object.entries(r)) (rows[k] ??= []).push(v);
}
for (const [k, v] of Object.entries(rows)) console.log(k.padEnd(24), v.map((x) => x.toFixed(3)).join('  '), ' min', Math.min(...v).toFixed(3));
