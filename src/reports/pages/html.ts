import { PAGE_CSP } from '../../http/page-policy.js';
import type { Response } from 'express';
import type { ReportLang } from '../../i18n/reports.js';

/** Shared pieces of the server-rendered report pages (dashboard, public board, sign-in). */

export function esc(s: string | number): string {
  return String(s).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Tahoma,"Noto Sans Arabic","DejaVu Sans",sans-serif;background:#f3f5f4;color:#18251e;line-height:1.45}
header.top{background:#0b5d34;color:#fff;padding:.75rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;justify-content:space-between}
header.top h1{font-size:1.15rem;margin:0}
header.top a,header.top button{color:#fff}
header.top .who{font-size:.85rem;opacity:.95;display:flex;gap:.75rem;align-items:center;flex-wrap:wrap}
header.top form{margin:0}
header.top button{background:transparent;border:1px solid #fff;border-radius:.4rem;padding:.2rem .6rem;font:inherit;cursor:pointer}
main{max-width:72rem;margin:0 auto;padding:1rem}
section{background:#fff;border-radius:.75rem;padding:1rem;margin:0 0 1rem;box-shadow:0 1px 2px rgba(0,0,0,.06)}
h2{font-size:1.05rem;margin:0 0 .75rem;color:#0b5d34}
form.filters{display:grid;grid-template-columns:repeat(auto-fit,minmax(9.5rem,1fr));gap:.6rem;align-items:end}
form.filters label{display:grid;gap:.2rem;font-size:.85rem;color:#44554b}
input,select{font:inherit;padding:.45rem .5rem;border:1px solid #9fb0a6;border-radius:.4rem;background:#fff;min-height:2.4rem;width:100%}
button.primary,a.button{font:inherit;background:#0b5d34;color:#fff;border:0;border-radius:.45rem;padding:.55rem 1rem;min-height:2.4rem;cursor:pointer;text-decoration:none;display:inline-block;text-align:center}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,10rem),1fr));gap:.75rem}
.card{border:1px solid #dde5e0;border-radius:.6rem;padding:.7rem}
.card .label{font-size:.85rem;color:#44554b}
.card .value{font-size:1.6rem;font-weight:700;color:#0b5d34;font-variant-numeric:tabular-nums}
.card .n{font-size:.8rem;color:#5b6b62}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,26rem),1fr));gap:1rem}
.charts section{margin:0}
svg{width:100%;height:auto;display:block;max-width:46rem;margin-inline:auto}
.table-wrap{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;width:100%;font-size:.9rem;font-variant-numeric:tabular-nums}
th,td{padding:.45rem .5rem;border-bottom:1px solid #e3e9e5;text-align:start;white-space:nowrap}
th a{color:inherit}
tr.low-n td{color:#7a857f;background:#fafbfa}
.badge{display:inline-block;font-size:.75rem;padding:.05rem .4rem;border-radius:.6rem;background:#f6e7c8;color:#6b4e00;margin-inline-start:.3rem}
.exports{display:flex;gap:.5rem;flex-wrap:wrap}
.note{color:#5b6b62;font-size:.85rem}
.error{background:#fdecec;color:#8a1f1f;border:1px solid #f2b8b8;border-radius:.5rem;padding:.6rem .8rem}
dl.defs dt{font-weight:600;margin-top:.5rem}dl.defs dd{margin:0;color:#44554b}
.pm{color:#5b6b62;font-size:.8em}
ol.chain{list-style:none;padding:0;margin:.5rem 0 0}ol.chain>li{padding:.15rem 0}ul.drops{margin:0;padding-inline-start:1.2rem;color:#7a4b00;font-size:.85rem}
.award ol{margin:.4rem 0;padding-inline-start:1.4rem}
.login{max-width:24rem;margin:3rem auto}
.login form{display:grid;gap:.75rem}
.login label{display:grid;gap:.25rem}
@media (max-width:40rem){main{padding:.6rem}.card .value{font-size:1.35rem}th,td{padding:.35rem .4rem}}
`;

export function layout(opts: { lang: ReportLang; title: string; header?: string; body: string }): string {
  const dir = opts.lang === 'ar' ? 'rtl' : 'ltr';
  return `<!doctype html><html lang="${opts.lang}" dir="${dir}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(opts.title)}</title><style>${STYLE}</style></head><body>${opts.header ?? ''}<main>${opts.body}</main></body></html>`;
}

export function sendPage(res: Response, status: number, html: string, opts: { cache?: string } = {}): void {
  res
    .status(status)
    .set({
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': PAGE_CSP,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'same-origin',
      'Cache-Control': opts.cache ?? 'no-store',
    })
    .send(html);
}

/** Builds a query string from defined values only. */
export function queryString(params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}
