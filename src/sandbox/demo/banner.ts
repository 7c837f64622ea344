import type { RequestHandler } from 'express';
import type { Connection } from 'mongoose';
import { DEMO_BANNER } from '../../i18n/sandbox.js';
import type { Logger } from '../../log.js';
import { isDemoData } from './marker.js';

/**
 * Every HTML page served from a database of demo data carries a banner saying so, in Arabic and
 * English: the dashboard, the public board, the answer page, sign-in, and pages added later (the
 * banner is put in as a page is sent, so no page can forget it). Whether the database is demo data
 * is read at most every few seconds.
 */
const RECHECK_MS = 5_000;

const BANNER = `<div role="note" data-demo-banner style="background:#6b4e00;color:#fff;padding:.55rem 1rem;text-align:center;font-weight:600;font-size:.95rem"><span lang="ar" dir="rtl">${DEMO_BANNER.ar}</span> · <span lang="en" dir="ltr">${DEMO_BANNER.en}</span></div>`;

function withDemoBanner(html: string): string {
  return html.replace(/<body[^>]*>/i, (tag) => `${tag}${BANNER}`);
}

export function demoBanner(conn: Connection, log: Logger): RequestHandler {
  let known: { demo: boolean; at: number } | undefined;
  const check = async (): Promise<boolean> => {
    if (known && Date.now() - known.at < RECHECK_MS) return known.demo;
    const demo = await isDemoData(conn).catch((err: unknown) => {
      log.warn({ err }, 'could not tell whether the database holds demo data');
      return known?.demo ?? false;
    });
    known = { demo, at: Date.now() };
    return demo;
  };
  return (req, res, next) => {
    // Pages only: webhooks and APIs never carry HTML a person reads.
    if (req.method !== 'GET' && req.method !== 'POST') return next();
    if (/^\/(voice|sms|api|__twilio|healthz|readyz)\b/.test(req.path)) return next();
    check()
      .then((demo) => {
        if (demo) {
          const send = res.send.bind(res);
          res.send = (body?: unknown) => {
            const type = String(res.getHeader('content-type') ?? '');
            return send(typeof body === 'string' && type.includes('text/html') ? withDemoBanner(body) : body);
          };
        }
        next();
      })
      .catch(next);
  };
}
