// The page behind GET/POST /u/:token. Plain HTML with a <form method="post">, so it works
// without JavaScript and a link prefetcher (GET) never unsubscribes anyone. It never shows the
// email address: the token is all the page knows, and the URL may be forwarded.
import { htmlLang, unsubscribePageStrings } from '../../mail/i18n.js';
import { textOn } from '../../../emails/_components/colors.js';

export type UnsubscribePageState = 'confirm' | 'done' | 'invalid';

export interface UnsubscribePageOptions {
  state: UnsubscribePageState;
  storeName: string;
  locale: string;
  /** Where the confirm form POSTs, normally the same /u/:token URL. */
  action: string;
  /** The store's branding (config `store`): its logo and colours head the page. */
  brand?: { url: string; logoUrl?: string; colors: { brand: string; accent: string } };
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]);

const STYLE = `
*{box-sizing:border-box}
body{margin:0;padding:24px 16px;background:#f3f4f6;color:#111827;
font:16px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Helvetica,Arial,sans-serif}
main{max-width:480px;margin:0 auto;padding:24px;background:#fff;border-radius:8px;overflow-wrap:anywhere}
.store{margin:0 0 16px;color:#6b7280;font-size:14px}
h1{margin:0 0 8px;font-size:22px;line-height:1.3}
p{margin:0 0 16px}
main>:last-child{margin-bottom:0}
button{width:100%;padding:12px 16px;border:0;border-radius:6px;background:#111827;color:#fff;
font:inherit;font-weight:600;cursor:pointer}
button:focus-visible{outline:3px solid #2563eb;outline-offset:2px}
`;

// A colour reaches CSS only as #rgb/#rrggbb; anything else keeps the default look.
const HEX = /^#(?:[0-9a-f]{3}){1,2}$/i;

/** The store's header (logo or name on its brand colour) and button colour. */
function branding(storeName: string, brand: UnsubscribePageOptions['brand']): { header: string; style: string } {
  const store = escapeHtml(storeName);
  if (!brand) return { header: `<p class="store">${store}</p>`, style: '' };
  const colour = HEX.test(brand.colors.brand) ? brand.colors.brand : '#111827';
  const accent = HEX.test(brand.colors.accent) ? brand.colors.accent : '#2563eb';
  const mark = brand.logoUrl ? `<img src="${escapeHtml(brand.logoUrl)}" alt="${store}" height="40">` : store;
  return {
    header: `<header class="brand"><a href="${escapeHtml(brand.url)}">${mark}</a></header>`,
    style: `.brand{margin:-24px -24px 16px;padding:16px 24px;background:${colour};border-radius:8px 8px 0 0}
.brand a{color:${textOn(colour)};font-weight:700;font-size:20px;text-decoration:none}.brand img{height:40px;width:auto;max-width:100%}
button{background:${accent};color:${textOn(accent)}}`,
  };
}

export function renderUnsubscribePage({ state, storeName, locale, action, brand }: UnsubscribePageOptions): string {
  const t = unsubscribePageStrings(locale);
  const store = escapeHtml(storeName);
  const branded = branding(storeName, brand);
  const [title, text] =
    state === 'confirm'
      ? [t.confirmTitle, t.confirmText(storeName)]
      : state === 'done'
        ? [t.doneTitle, t.doneText(storeName)]
        : [t.invalidTitle, t.invalidText(storeName)];
  // `confirm=1` tells the page's POST apart from an RFC 8058 one-click POST
  // (`List-Unsubscribe=One-Click`); both unsubscribe.
  const form =
    state === 'confirm'
      ? `<form method="post" action="${escapeHtml(action)}"><input type="hidden" name="confirm" value="1"><button type="submit">${escapeHtml(t.confirmButton)}</button></form>`
      : '';
  return `<!DOCTYPE html>
<html lang="${escapeHtml(htmlLang(locale))}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)} – ${store}</title>
<style>${STYLE}${branded.style}</style>
</head>
<body>
<main>
${branded.header}
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(text)}</p>
${form}
</main>
</body>
</html>
`;
}
