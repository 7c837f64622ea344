import { esc } from '../../../http/ui/html.js';
import { isRightToLeft, type Language } from '../../../i18n/languages.js';

/**
 * The frame of an alert mail: a whole HTML document with inline styles only (mail clients drop
 * style sheets and scripts), right to left in Arabic, and a plain-text part with the same words.
 */

export interface MailRow {
  label: string;
  /** Plain text: escaped here. */
  value: string;
  /** Written left to right inside a right-to-left mail (ticket references, codes). */
  ltr?: boolean;
  /** A code after the value, in brackets, kept left to right (an agent's id after their name). */
  code?: string;
}

/** A name and its code, the code isolated so a right-to-left line does not turn its brackets. */
export function namedHtml(name: string, code?: string): string {
  return code ? `${esc(name)} <bdi dir="ltr">(${esc(code)})</bdi>` : esc(name);
}

export function namedText(name: string, code?: string): string {
  return code ? `${name} (${code})` : name;
}

export function rowsHtml(rows: MailRow[]): string {
  const cell = 'padding:4px 8px;border-bottom:1px solid #dde3df;vertical-align:top;text-align:start';
  return `<table role="presentation" style="border-collapse:collapse;width:100%;margin:8px 0 12px">${rows
    .map(
      (r) =>
        `<tr><th scope="row" style="${cell};font-weight:600;width:38%;color:#44524a">${esc(r.label)}</th><td style="${cell}">${
          r.ltr ? `<bdi dir="ltr">${esc(r.value)}</bdi>` : namedHtml(r.value, r.code)
        }</td></tr>`,
    )
    .join('')}</table>`;
}

export function rowsText(rows: MailRow[]): string {
  return rows.map((r) => `${r.label}: ${namedText(r.value, r.code)}`).join('\n');
}

export function linkHtml(href: string, label: string): string {
  return `<p style="margin:8px 0 16px"><a href="${esc(href)}" style="color:#0b5a7a">${esc(label)}</a></p>`;
}

export function documentHtml(
  lang: Language,
  title: string,
  body: string,
  footer: { text: string; unsubscribe?: { href: string; label: string } },
): string {
  const dir = isRightToLeft(lang) ? 'rtl' : 'ltr';
  const unsubscribe = footer.unsubscribe
    ? ` <a href="${esc(footer.unsubscribe.href)}" style="color:#44524a">${esc(footer.unsubscribe.label)}</a>`
    : '';
  return `<!doctype html><html lang="${lang}" dir="${dir}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${esc(
    title,
  )}</title></head><body style="margin:0;padding:16px;background:#f4f6f5;font-family:Tahoma,Arial,sans-serif;font-size:15px;line-height:1.5;color:#1d2b23;direction:${dir};text-align:start"><div style="max-width:640px;margin:0 auto;background:#fff;padding:16px 20px;border-radius:6px">${body}<p style="font-size:12px;color:#5b6a61;margin-top:24px">${esc(
    footer.text,
  )}${unsubscribe}</p></div></body></html>`;
}

export function documentText(parts: string[], footer: { text: string; unsubscribe?: string }): string {
  return [...parts, '--', footer.text, ...(footer.unsubscribe ? [footer.unsubscribe] : [])].join('\n\n');
}
