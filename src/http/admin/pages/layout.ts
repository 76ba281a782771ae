// The shell of every admin page: one inline stylesheet, no external assets, no client framework.
import { html, trusted, type Html, type Renderable } from './html.js';

const STYLE = `
*{box-sizing:border-box}
:root{--ink:#0f172a;--muted:#64748b;--line:#e2e8f0;--bg:#f8fafc;--card:#fff;--accent:#2563eb;--ok:#15803d;--warn:#b45309;--bad:#b91c1c}
body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Helvetica,Arial,sans-serif}
header.top{display:flex;align-items:center;gap:16px;padding:12px 24px;background:var(--ink);color:#fff}
header.top h1{margin:0;font-size:17px;font-weight:650;letter-spacing:.2px}
header.top nav{display:flex;gap:16px;margin-left:auto;align-items:center}
header.top a{color:#cbd5e1;text-decoration:none}
header.top a:hover{color:#fff}
header.top form{margin:0}
header.top button{background:transparent;border:1px solid #475569;color:#e2e8f0;padding:4px 10px;border-radius:6px;font:inherit;cursor:pointer}
main{max-width:1120px;margin:0 auto;padding:24px}
section.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:18px 20px;margin:0 0 20px}
section.card h2{margin:0 0 12px;font-size:16px}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:20px}
.grid>section.card{margin:0}
.funnel{display:grid;grid-template-columns:repeat(5,1fr);gap:10px}
.step{border:1px solid var(--line);border-radius:8px;padding:12px;background:#fdfdfe}
.step .label{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.6px}
.step .count{font-size:28px;font-weight:650;font-variant-numeric:tabular-nums}
.step .rate{color:var(--muted);font-size:13px}
.step .bar{height:6px;border-radius:3px;background:var(--line);margin-top:8px;overflow:hidden}
.step .bar span{display:block;height:100%;background:var(--accent)}
.aside{display:flex;flex-wrap:wrap;gap:8px 24px;margin-top:14px;color:var(--muted);font-size:14px}
.aside b{color:var(--ink);font-variant-numeric:tabular-nums}
table{width:100%;border-collapse:collapse;font-size:14px}
th,td{text-align:left;padding:7px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{color:var(--muted);font-weight:600;font-size:12px;text-transform:uppercase;letter-spacing:.5px}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
tr:last-child td{border-bottom:0}
.empty{color:var(--muted);margin:0}
.badge{display:inline-block;padding:1px 8px;border-radius:999px;font-size:12px;font-weight:600;background:#e2e8f0}
.badge.sent{background:#dcfce7;color:var(--ok)}.badge.scheduled,.badge.sending{background:#dbeafe;color:#1d4ed8}
.badge.waiting{background:#fef9c3;color:#854d0e}.badge.failed{background:#fee2e2;color:var(--bad)}
.badge.skipped,.badge.cancelled{background:#f1f5f9;color:#475569}
form.inline{display:inline;margin:0}
button.act{padding:4px 10px;border-radius:6px;border:1px solid var(--line);background:#fff;font:inherit;font-size:13px;cursor:pointer}
button.act.primary{background:var(--accent);border-color:var(--accent);color:#fff}
button.act.danger{color:var(--bad)}
form.search{display:flex;gap:8px;flex-wrap:wrap;align-items:center}
input[type=text],input[type=search],input[type=password],input[type=date]{padding:7px 10px;border:1px solid #cbd5e1;border-radius:6px;font:inherit;min-width:0}
form.search button,form.login button{padding:7px 14px;border:0;border-radius:6px;background:var(--ink);color:#fff;font:inherit;cursor:pointer}
.notice{padding:10px 14px;border-radius:8px;background:#ecfdf5;border:1px solid #a7f3d0;margin:0 0 16px}
.notice.bad{background:#fef2f2;border-color:#fecaca}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:0 0 12px}
dl.facts dt{color:var(--muted)}dl.facts dd{margin:0;overflow-wrap:anywhere}
code{font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace;background:#f1f5f9;padding:1px 4px;border-radius:4px}
svg.chart{width:100%;height:auto;display:block}
svg.chart .bar{fill:var(--accent)}svg.chart .bar:hover{fill:#1e40af}
svg.chart text{fill:var(--muted);font-size:13px;font-variant-numeric:tabular-nums}
svg.chart line{stroke:var(--line)}
a{color:var(--accent)}
:focus-visible{outline:3px solid #93c5fd;outline-offset:2px}
@media (max-width:720px){.funnel{grid-template-columns:repeat(2,1fr)}main{padding:14px}}
`;

export function page(opts: { title: string; body: Renderable; nav?: Html }): string {
  return html`<!DOCTYPE html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex, nofollow" />
        <meta name="referrer" content="same-origin" />
        <title>${opts.title} · Aftercart admin</title>
        <style>
          ${trusted(STYLE)}
        </style>
      </head>
      <body>
        <header class="top">
          <h1>Aftercart admin</h1>
          ${opts.nav ?? ''}
        </header>
        <main>${opts.body}</main>
      </body>
    </html> `.value;
}
