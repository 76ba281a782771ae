// The page behind GET/POST /u/:token. Plain HTML with a <form method="post">, so it works
// without JavaScript and a link prefetcher (GET) never unsubscribes anyone. It never shows the
// email address: the token is all the page knows, and the URL may be forwarded.
import { htmlLang, unsubscribePageStrings } from '../../mail/i18n.js';

export type UnsubscribePageState = 'confirm' | 'done' | 'invalid';

export interface UnsubscribePageOptions {
  state: UnsubscribePageState;
  storeName: string;
  locale: string;
  /** Where the confirm form POSTs, normally the same /u/:token URL. */
  action: string;
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

export function renderUnsubscribePage({ state, storeName, locale, action }: UnsubscribePageOptions): string {
  const t = unsubscribePageStrings(locale);
  const store = escapeHtml(storeName);
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
<style>${STYLE}</style>
</head>
<body>
<main>
<p class="store">${store}</p>
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(text)}</p>
${form}
</main>
</body>
</html>
`;
}
