import express, { Router, type Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import type { FollowUpDoc } from '../../db/models/followup.js';
import { PAGE_CSP } from '../../http/page-policy.js';
import type { ComponentChildren } from 'preact';
import { renderDocument } from '../../http/ui/html.js';
import { redisRateLimitStore } from '../../http/redis-rate-limit.js';
import { NEUTRAL_AGENCY, agencyNameFor, answerPageTexts, type AnswerPageTexts } from '../../i18n/followup.js';
import { CITIZEN_LANGUAGES, isRightToLeft, type CitizenLanguage } from '../../i18n/languages.js';
import { applyAnswer, conversationOf } from './answers.js';
import { answerOrigin } from './origin.js';
import { verifyAnswerToken } from '../send/answer-token.js';
import type { ConversationInput } from './conversation.js';
import { REASONS, type Reason } from './reply-parser.js';
import { reasonLabels, type ReasonLabels } from './agency-reasons.js';

type Texts = AnswerPageTexts;

// System fonts only (no download on a citizen's data plan): each script's font on Android (Noto),
// iOS (Kohinoor, Geeza, Noto Nastaliq) and Windows (Nirmala UI) before the generic family.
const FONTS = [
  'system-ui',
  '-apple-system',
  '"Segoe UI"',
  'Tahoma',
  '"Noto Sans Arabic"',
  '"Noto Sans Bengali"',
  '"Kohinoor Bangla"',
  '"Noto Sans Devanagari"',
  '"Kohinoor Devanagari"',
  '"Nirmala UI"',
  'sans-serif',
].join(',');
const URDU_FONTS = `"Noto Nastaliq Urdu","Jameel Noori Nastaleeq",${FONTS}`;

const STYLE = `
*{box-sizing:border-box}body{margin:0;font-family:${FONTS};background:#f4f6f5;color:#1b2a22;line-height:1.5}
html[lang=ur] body{font-family:${URDU_FONTS};line-height:1.9}
main{max-width:28rem;margin:0 auto;padding:1.25rem}h1{font-size:1.15rem;color:#0b6b3a;margin:.25rem 0 .5rem}
p.q{font-size:1.2rem;font-weight:600;margin:1rem 0;overflow-wrap:anywhere}form{display:grid;gap:.75rem;margin:0 0 .75rem}
button{font:inherit;font-size:1.15rem;padding:.9rem 1rem;border-radius:.75rem;border:2px solid #0b6b3a;background:#fff;color:#0b6b3a;min-height:3.25rem;cursor:pointer;overflow-wrap:anywhere}
button.primary{background:#0b6b3a;color:#fff}textarea{font:inherit;padding:.75rem;border-radius:.5rem;border:1px solid #6b7a73;min-height:5rem;width:100%}
dl{background:#fff;border-radius:.75rem;padding:1rem}dt{font-weight:600}dd{margin:0 0 .5rem}
.asker{color:#3d4a44;margin:0 0 1rem;overflow-wrap:anywhere}.asker bdi{font-weight:600}
nav.langs{margin-top:2rem;border-top:1px solid #cfd8d3;padding-top:1rem}nav.langs h2{font-size:1rem;margin:0 0 .5rem;color:#3d4a44}
nav.langs ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.5rem}
nav.langs a{display:inline-block;padding:.5rem .75rem;min-height:2.75rem;border-radius:.5rem;background:#fff;color:#0b5a31;border:1px solid #9fb3a8}
nav.langs a[aria-current]{background:#0b6b3a;color:#fff;border-color:#0b6b3a}`;

type Rendered = { status: number; html: string };

function Document(props: { lang: CitizenLanguage; title: string; children: ComponentChildren }) {
  return (
    <html lang={props.lang} dir={isRightToLeft(props.lang) ? 'rtl' : 'ltr'}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <title>{props.title}</title>
        <style dangerouslySetInnerHTML={{ __html: STYLE }} />
      </head>
      <body>
        <main>{props.children}</main>
      </body>
    </html>
  );
}

/** A page for a link we cannot read (no follow-up, so no language): Arabic, then English. */
function bilingualError(status: number, key: 'expired' | 'invalid' | 'tooMany'): Rendered {
  return {
    status,
    html: renderDocument(
      <Document lang="ar" title={answerPageTexts.ar.title}>
        <p class="q">{answerPageTexts.ar[key]}</p>
        <p class="q" lang="en" dir="ltr">
          {answerPageTexts.en[key]}
        </p>
      </Document>,
    ),
  };
}

function Recorded({ t, f, reasons }: { t: Texts; f: FollowUpDoc; reasons: ReasonLabels }) {
  if (f.solved == null && f.rating == null && f.reason == null) return null;
  return (
    <dl>
      {f.solved != null && (
        <>
          <dt>{t.recorded}</dt>
          <dd>{f.solved ? t.solvedLabel : t.notSolvedLabel}</dd>
        </>
      )}
      {f.rating != null && (
        <>
          <dt>{t.ratingLabel}</dt>
          <dd>{`${f.rating} / 5`}</dd>
        </>
      )}
      {f.reason != null && (
        <>
          <dt>{t.reasonLabel}</dt>
          <dd>{reasons[f.reason as Reason] ?? f.reason}</dd>
        </>
      )}
    </dl>
  );
}

/** Every citizen language, each named in itself, so a citizen shown the wrong one can change it. */
function LanguageLinks({ lang }: { lang: CitizenLanguage }) {
  const t = answerPageTexts[lang];
  return (
    <nav class="langs" aria-labelledby="langs-label">
      <h2 id="langs-label">{t.languagesLabel}</h2>
      <ul>
        {CITIZEN_LANGUAGES.map((l) => (
          <li key={l}>
            <a
              href={`?lang=${l}`}
              lang={l}
              hreflang={l}
              dir={isRightToLeft(l) ? 'rtl' : 'ltr'}
              aria-current={l === lang ? 'true' : undefined}
            >
              {answerPageTexts[l].languageName}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function Question(props: { t: Texts; f: FollowUpDoc; action: string; reasons: ReasonLabels }) {
  const { t, f, action, reasons } = props;
  const at = conversationOf(f)?.state;
  if (at === 'awaiting_solved')
    return (
      <>
        <p class="q">{t.solvedQuestion(f.ticketRef)}</p>
        <form method="post" action={action}>
          <button class="primary" name="solved" value="1">
            {t.yes}
          </button>
          <button name="solved" value="2">
            {t.no}
          </button>
        </form>
      </>
    );
  if (at === 'awaiting_rating')
    return (
      <>
        <Recorded t={t} f={f} reasons={reasons} />
        <p class="q">{t.ratingQuestion}</p>
        <form method="post" action={action}>
          {[5, 4, 3, 2, 1].map((n) => (
            <button key={n} name="rating" value={String(n)}>
              {t.ratingLabels[n - 1] ?? String(n)}
            </button>
          ))}
        </form>
      </>
    );
  if (at === 'awaiting_reason')
    return (
      <>
        <Recorded t={t} f={f} reasons={reasons} />
        <p class="q">{t.reasonQuestion}</p>
        <form method="post" action={action}>
          {REASONS.filter((r) => r !== 'other').map((r) => (
            <button key={r} name="reason" value={r}>
              {reasons[r]}
            </button>
          ))}
        </form>
        <form method="post" action={action}>
          <textarea name="text" maxLength={500} placeholder={t.otherPlaceholder} aria-label={reasons.other} />
          <input type="hidden" name="reason" value="other" />
          <button>{`${reasons.other} · ${t.send}`}</button>
        </form>
      </>
    );
  const answered = f.solved != null || f.rating != null || f.reason != null;
  return (
    <>
      <p class="q">{at === 'completed' || answered ? t.thanks : t.closed}</p>
      <Recorded t={t} f={f} reasons={reasons} />
    </>
  );
}

/**
 * The page for where the conversation stands; plain HTML forms, so it works without JavaScript.
 * Components rendered on the server: every text, the agency's name and the citizen's own words
 * included, is escaped by the renderer. The reasons are offered in the agency's own words when it
 * has set them (`reasonLabels`); the agency is named as the citizen reads it, never by its code.
 */
export function renderAnswerPage(
  f: FollowUpDoc,
  opts: { lang?: CitizenLanguage; reasons?: ReasonLabels; agencyName?: string } = {},
): Rendered {
  const lang = opts.lang ?? pageLanguage(f);
  const t = answerPageTexts[lang];
  const reasons: ReasonLabels = opts.reasons ?? t.reasons;
  // The chosen language stays through the post and its redirect.
  // Relative to the page's own address: the answer link is the citizen's key, and a page (or an
  // error page) that repeats it is one more place for it to leak from.
  const action = `?lang=${opts.lang ?? lang}`;
  return {
    status: 200,
    html: renderDocument(
      <Document lang={lang} title={t.title}>
        <h1>{t.title}</h1>
        <p class="asker" data-agency-name>
          {t.askedBy} <bdi>{opts.agencyName ?? NEUTRAL_AGENCY[lang]}</bdi>
        </p>
        <Question t={t} f={f} action={action} reasons={reasons} />
        <LanguageLinks lang={lang} />
      </Document>,
    ),
  };
}

/** The follow-up's language; Arabic for one whose code we have no texts in (its links offer English). */
function pageLanguage(f: Pick<FollowUpDoc, 'language' | 'requestedLanguage'>): CitizenLanguage {
  return f.requestedLanguage ? 'ar' : (f.language ?? 'ar');
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
      handler: (_req, res) => send(res, bilingualError(429, 'tooMany')),
    }),
  );
  const load = async (token: string): Promise<FollowUpDoc | { status: number; html: string }> => {
    const check = verifyAnswerToken(secret, token);
    if (!check.ok) {
      return check.error === 'expired' ? bilingualError(410, 'expired') : bilingualError(404, 'invalid');
    }
    const f = await ctx.models.FollowUp.findById(check.followUpId).lean<FollowUpDoc>();
    return f ?? bilingualError(404, 'invalid');
  };

  /**
   * The page in the language asked for (`?lang=`, one of the links at its foot) or the citizen's, with
   * the reasons in the agency's own words (set in Arabic and English) and the agency's name.
   */
  const page = async (f: FollowUpDoc, token: string, asked: unknown) => {
    const chosen = CITIZEN_LANGUAGES.find((l) => l === asked);
    const lang = chosen ?? pageLanguage(f);
    const reasons =
      lang === 'ar' || lang === 'en' ? await reasonLabels(ctx.models, f.agency, lang) : undefined;
    const a = await ctx.models.Agency.findOne({ code: f.agency }, { name: 1, publicName: 1 }).lean();
    // The public name where the agency set one, else its name; the neutral name when it has neither.
    const agencyName = agencyNameFor(lang, {
      ar: a?.publicName?.ar || a?.name?.ar,
      en: a?.publicName?.en || a?.name?.en,
    });
    return renderAnswerPage(f, {
      ...(chosen ? { lang: chosen } : {}),
      ...(reasons ? { reasons } : {}),
      agencyName,
    });
  };

  router.get('/f/:token', async (req, res) => {
    const token = String(req.params.token);
    const f = await load(token);
    send(res, 'html' in f ? f : await page(f, token, req.query.lang));
  });

  router.post('/f/:token', express.urlencoded({ extended: false, limit: '8kb' }), async (req, res) => {
    const token = String(req.params.token);
    const f = await load(token);
    if ('html' in f) return send(res, f);
    const tap = tapSchema.safeParse(req.body);
    if (!tap.success) return send(res, { ...(await page(f, token, req.query.lang)), status: 400 });
    await applyAnswer(ctx, f, toInput(tap.data), 'web', {
      // Only keyed hashes of where the tap came from are kept (origin.ts).
      origin: answerOrigin(ctx.config.integrity.key, req.ip, req.get('user-agent')),
    });
    // Post/redirect/get: a refresh never re-submits, and the page shows the state as stored.
    const chosen = CITIZEN_LANGUAGES.find((l) => l === req.query.lang);
    res.redirect(303, chosen ? `/f/${token}?lang=${chosen}` : `/f/${token}`);
  });
  return router;
}
