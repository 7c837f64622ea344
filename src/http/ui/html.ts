import type { Response } from 'express';
import type { VNode } from 'preact';
import { render } from 'preact-render-to-string';
import { PAGE_CSP } from '../page-policy.js';

/** Sends a rendered page with the pages' policy: no script, no framing, no sniffing. */
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

// Why: docs/decisions/0020-charts-echarts-server-svg.md — pages are Preact components rendered on the server.
/** A whole document from a component tree; every text in it is escaped by the renderer. */
export function renderDocument(page: VNode): string {
  return `<!doctype html>${render(page)}`;
}

/** Builds a query string from defined values only. */
export function queryString(params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}

/**
 * Escapes text for the one page still built as a string, the citizens' answer page (its own
 * conversion is the answer-page work); components need none: the renderer escapes every text.
 */
export function esc(s: string | number): string {
  return String(s).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}
