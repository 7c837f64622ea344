import express, { Router, type Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import type { FollowUpDoc } from '../../db/models/followup.js';
import { PAGE_CSP } from '../../http/page-policy.js';
import { esc } from '../../http/ui/html.js';
import { redisRateLimitStore } from '../../http/redis-rate-limit.js';
import { answerPageTexts } from '../../i18n/followup.js';
import { applyAnswer, conversationOf } from './answers.js';
import { answerOrigin } from './origin.js';
import { verifyAnswerToken } from '../send/answer-token.js';
import type { ConversationInput } from './conversation.js';
import { REASONS, type Reason } from './reply-parser.js';
import { reasonLabels, type ReasonLabels } from './agency-reasons.js';

type Texts = (typeof answerPageTexts)['ar' | 'en'];

const STYLE = `
*{box-sizing:border-box}body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Tahoma,"Noto Sans Arabic",sans-serif;background:#f4f6f5;color:#1b2a22}
main{max-width:28rem;margin:0 auto;padding:1.25rem}h1{font-size:1.15rem;color:#0b6b3a;margin:.25rem 0 1rem}
p.q{font-size:1.2rem;font-weight:600;margin:1rem 0}form{display:grid;gap:.75rem}
button{font:inherit;font-size:1.15rem;padding:1rem;border-radius:.75rem;border:2px solid #0b6b3a;background:#fff;color:#0b6b3a;min-height:3.25rem;cursor:pointer}
button.primary{background:#0b6b3a;color:#fff}textarea{font:inherit;padding:.75rem;border-radius:.5rem;border:1px solid #9aa;min-height:5rem}
dl{background:#fff;border-radius:.75rem;padding:1rem}dt{font-weight:600}dd{margin:0 0 .5rem}.note{color:#555}`;

/** Who asks: the citizen sees the agency by its name before anything else. */
const ASKED_BY = {
  ar: (name: string) => `يسألك: ${name}`,
  en: (name: string) => `Asked by: ${name}`,
};

function pageOf(
  lang: 'ar' | 'en',
  t: Texts,
  body: string,
  status = 200,
  agencyName?: string,
): { status: number; html: string } {
  const dir = lang === 'ar' ? 'rtl' : 'ltr';
  const asker = agencyName ? `<p class="note" data-agency-name>${esc(ASKED_BY[lang](agencyName))}</p>` : '';
  return {
    status,
    html: `<!doctype html><html lang="${lang}" dir="${dir}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(t.title)}</title><style>${STYLE}</style></head><body><main><h1>${esc(t.title)}</h1>${asker}${body}</main></body></html>`,
  };
}

function bilingualError(status: number, ar: string, en: string): { status: number; html: string } {
  return {
    status,
    html: `<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(answerPageTexts.ar.title)}</title><style>${STYLE}</style></head><body><main><p class="q">${esc(ar)}</p><p class="q" lang="en" dir="ltr">${esc(en)}</p></main></body></html>`,
  };
}

function recorded(t: Texts, f: FollowUpDoc, reasons: ReasonLabels): string {
  const rows: string[] = [];
  if (f.solved != null)
    rows.push(`<dt>${esc(t.recorded)}</dt><dd>${esc(f.solved ? t.solvedLabel : t.notSolvedLabel)}</dd>`);
  if (f.rating != null) rows.push(`<dt>${esc(t.ratingLabel)}</dt><dd>${f.rating} / 5</dd>`);
  if (f.reason != null)
    rows.push(`<dt>${esc(t.reasonLabel)}</dt><dd>${esc(reasons[f.reason as Reason] ?? f.reason)}</dd>`);
  return rows.length > 0 ? `<dl>${rows.join('')}</dl>` : '';
}

/**
 * The page for where the conversation stands; plain HTML forms, so it works without JavaScript. The
 * reasons are offered in the agency's own words when it has set them (`reasonLabels`).
 */
export function renderAnswerPage(
  f: FollowUpDoc,
  token: string,
  reasonWords?: ReasonLabels,
  agencyName?: string,
): { status: number; html: string } {
  const lang = f.language === 'en' ? 'en' : 'ar';
  const page = (l: 'ar' | 'en', tt: Texts, body: string, status = 200) =>
    pageOf(l, tt, body, status, agencyName);
  const t = answerPageTexts[lang];
  const reasons: ReasonLabels = reasonWords ?? t.reasons;
  const action = `/f/${token}`;
  const at = conversationOf(f)?.state;
  if (at === 'awaiting_solved') {
    return page(
      lang,
      t,
      `<p class="q">${esc(t.solvedQuestion(f.ticketRef))}</p><form method="post" action="${action}"><button class="primary" name="solved" value="1">${esc(t.yes)}</button><button name="solved" value="2">${esc(t.no)}</button></form>`,
    );
  }
  if (at === 'awaiting_rating') {
    const buttons = [5, 4, 3, 2, 1]
      .map((n) => `<button name="rating" value="${n}">${esc(t.ratingLabels[n - 1] ?? String(n))}</button>`)
      .join('');
    return page(
      lang,
      t,
      `${recorded(t, f, reasons)}<p class="q">${esc(t.ratingQuestion)}</p><form method="post" action="${action}">${buttons}</form>`,
    );
  }
  if (at === 'awaiting_reason') {
    const buttons = REASONS.filter((r) => r !== 'other')
      .map((r) => `<button name="reason" value="${r}">${esc(reasons[r])}</button>`)
      .join('');
    return page(
      lang,
      t,
      `${recorded(t, f, reasons)}<p class="q">${esc(t.reasonQuestion)}</p><form method="post" action="${action}">${buttons}</form><form method="post" action="${action}"><textarea name="text" maxlength="500" placeholder="${esc(t.otherPlaceholder)}" aria-label="${esc(reasons.other)}"></textarea><input type="hidden" name="reason" value="other"><button>${esc(reasons.other)} · ${esc(t.send)}</button></form>`,
    );
  }
  if (at === 'completed') return page(lang, t, `<p class="q">${esc(t.thanks)}</p>${recorded(t, f, reasons)}`);
  const answered = recorded(t, f, reasons);
  return page(
    lang,
    t,
    answered ? `<p class="q">${esc(t.thanks)}</p>${answered}` : `<p class="q">${esc(t.closed)}</p>`,
  );
}

const tapSchema = z.union([
  z.object({ solved: z.enum(['1', '2']) }).strict(),
  z.object({ rating: z.enum(['1', '2', '3', '4', '5']) }).strict(),
  z.object({ reason: z.enum(REASONS), text: z.string().max(500).optional() }).strict(),
]);

function toInput(tap: z.infer<typeof tapSchema>): ConversationInput {
  if ('solved' in tap) return { kind: 'solved', value: tap.solved === '1' };
  if ('rating' in tap) return { kind: 'rating', value: Number(tap.rating) as 1 | 2 | 3 | 4 | 5 };
  const text = tap.text?.trim();
  return { kind: 'reason', value: tap.reason, ...(text ? { text } : {}) };
}

export function answerPageRouter(ctx: AppContext): Router {
  const router = Router();

  const secret = ctx.config.followUp.answerLinkSecret;
  const send = (res: Response, p: { status: number; html: string }) => {
    res
      .status(p.status)
      .set('Cache-Control', 'no-store')
      .set('Referrer-Policy', 'no-referrer')
      .set('Content-Security-Policy', PAGE_CSP)
      .type('html')
      .send(p.html);
  };
  // Links are 72-bit tags, not guessable online; the limit keeps anyone from trying at length. It
  // counts only tokens whose tag does not verify, and a token that does is never held: an address
  // can be a carrier's, shared by a neighbourhood, and one guesser on it must not lock out everyone
  // else's real links. The HMAC check is cheap and runs again in the handler.
  const genuine = (path: string): boolean => {
    const check = verifyAnswerToken(secret, path.split('/')[1] ?? '');
    return check.ok || check.error === 'expired';
  };
  router.use(
    '/f',
    rateLimit({
      windowMs: 15 * 60_000,
      limit: ctx.config.followUp.answerPageGuesses,
      skip: (req) => genuine(req.path),
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      store: redisRateLimitStore(ctx.redis, `${ctx.config.queuePrefix}:answer-page-guesses:`),
      keyGenerator: (req) => ipKeyGenerator(req.ip ?? 'unknown'),
      handler: (_req, res) =>
        send(res, bilingualError(429, answerPageTexts.ar.tooMany, answerPageTexts.en.tooMany)),
    }),
  );
  const load = async (token: string): Promise<FollowUpDoc | { status: number; html: string }> => {
    const check = verifyAnswerToken(secret, token);
    if (!check.ok) {
      return check.error === 'expired'
        ? bilingualError(410, answerPageTexts.ar.expired, answerPageTexts.en.expired)
        : bilingualError(404, answerPageTexts.ar.invalid, answerPageTexts.en.invalid);
    }
    const f = await ctx.models.FollowUp.findById(check.followUpId).lean<FollowUpDoc>();
    return f ?? bilingualError(404, answerPageTexts.ar.invalid, answerPageTexts.en.invalid);
  };

  const wordsFor = (f: FollowUpDoc) => reasonLabels(ctx.models, f.agency, f.language === 'en' ? 'en' : 'ar');
  /** The agency's public name (else its name) in the citizen's language; none when it is not set up. */
  const agencyName = async (f: FollowUpDoc): Promise<string | undefined> => {
    const a = await ctx.models.Agency.findOne({ code: f.agency }, { name: 1, publicName: 1 }).lean();
    const lang = f.language === 'en' ? 'en' : 'ar';
    return a?.publicName?.[lang] || a?.name?.[lang] || undefined;
  };

  router.get('/f/:token', async (req, res) => {
    const token = String(req.params.token);
    const f = await load(token);
    send(res, 'html' in f ? f : renderAnswerPage(f, token, await wordsFor(f), await agencyName(f)));
  });

  router.post('/f/:token', express.urlencoded({ extended: false, limit: '8kb' }), async (req, res) => {
    const token = String(req.params.token);
    const f = await load(token);
    if ('html' in f) return send(res, f);
    const tap = tapSchema.safeParse(req.body);
    if (!tap.success)
      return send(res, {
        ...renderAnswerPage(f, token, await wordsFor(f), await agencyName(f)),
        status: 400,
      });
    await applyAnswer(ctx, f, toInput(tap.data), 'web', {
      // Only keyed hashes of where the tap came from are kept (origin.ts).
      origin: answerOrigin(ctx.config.integrity.key, req.ip, req.get('user-agent')),
    });
    // Post/redirect/get: a refresh never re-submits, and the page shows the state as stored.
    res.redirect(303, `/f/${token}`);
  });
  return router;
}
