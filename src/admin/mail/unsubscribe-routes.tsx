import express, { Router, type Request, type Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import type { AppContext } from '../../context.js';
import { redisRateLimitStore } from '../../http/redis-rate-limit.js';
import { queryString, renderDocument, sendPage } from '../../http/ui/html.js';
import { Page } from '../../http/ui/layout.js';
import { mailAccountTexts } from '../../i18n/mail-account.js';
import { verifyUnsubscribeToken } from '../../mail/unsubscribe.js';
import { subscriptionOfLink, unsubscribeByLink } from './subscriptions.js';

type Lang = 'ar' | 'en';

/** Wrong links one address may try in 15 minutes; a link that verifies is never counted nor held. */
const BAD_LINKS_PER_WINDOW = 30;

function UnsubscribePage(p: {
  lang: Lang;
  token: string;
  path: string;
  words?: string;
  message?: { kind: 'ok' | 'error'; text: string };
}) {
  const t = mailAccountTexts(p.lang);
  return (
    <Page lang={p.lang} title={t.unsubscribeTitle} path={p.path} anonymous>
      <section class="login" id="unsubscribe">
        <h1>{t.unsubscribeTitle}</h1>
        {p.message && (
          <p class={p.message.kind} role={p.message.kind === 'ok' ? 'status' : 'alert'}>
            {p.message.text}
          </p>
        )}
        {p.words && !p.message && (
          <form method="post" action={p.path}>
            <input type="hidden" name="lang" value={p.lang} />
            <p>{t.unsubscribeWhat}</p>
            <p>
              <strong id="what">{p.words}</strong>
            </p>
            <p class="note">{t.unsubscribeOther}</p>
            <button class="primary" type="submit">
              {t.unsubscribeButton}
            </button>
          </form>
        )}
        <p class="note">
          <a href={`/account${queryString({ lang: p.lang })}`}>{t.accountLink}</a>
        </p>
      </section>
    </Page>
  );
}

/**
 * GET /mail/unsubscribe/:token says what the link stops and offers one button; POST stops it. No
 * sign-in and no CSRF token: the signed token is the authority (RFC 8058 one-click: the mail client
 * posts `List-Unsubscribe=One-Click` to the same address), and what a forged cross-site post could do
 * is exactly what the link's holder may do anyway.
 */
export function unsubscribeRouter(ctx: AppContext): Router {
  const router = Router();
  const base = '/mail/unsubscribe';
  const tokenOf = (req: Request) => String(req.params.token ?? '');
  const pathOf = (token: string) => `${base}/${encodeURIComponent(token)}`;
  const asked = (req: Request): Lang | undefined => {
    const b = req.body as Record<string, unknown> | undefined;
    const v = (typeof b?.lang === 'string' ? b.lang : undefined) ?? req.query.lang;
    return v === 'en' ? 'en' : v === 'ar' ? 'ar' : undefined;
  };
  const send = (res: Response, status: number, props: Parameters<typeof UnsubscribePage>[0]) => {
    sendPage(res, status, renderDocument(<UnsubscribePage {...props} />));
  };
  const badLink = (req: Request, res: Response, status = 404) => {
    const lang = asked(req) ?? 'ar';
    send(res, status, {
      lang,
      token: tokenOf(req),
      path: pathOf(tokenOf(req)),
      message: { kind: 'error', text: mailAccountTexts(lang)[status === 429 ? 'tooManyTries' : 'badLink'] },
    });
  };

  router.use(
    `${base}/:token`,
    express.urlencoded({ extended: false, limit: '4kb' }),
    rateLimit({
      windowMs: 15 * 60_000,
      limit: BAD_LINKS_PER_WINDOW,
      // Only links that do not verify count: a shared address must not lock out real links.
      skip: (req) => verifyUnsubscribeToken(ctx.config, tokenOf(req)) !== undefined,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      store: redisRateLimitStore(ctx.redis, `${ctx.config.queuePrefix}:unsubscribe-guesses:`),
      keyGenerator: (req) => ipKeyGenerator(req.ip ?? 'unknown'),
      handler: (req, res) => badLink(req, res, 429),
    }),
  );

  router.get(`${base}/:token`, async (req, res) => {
    const token = tokenOf(req);
    const ok = verifyUnsubscribeToken(ctx.config, token);
    if (!ok) return badLink(req, res);
    const found = await subscriptionOfLink(ctx, ok.subscriptionId, asked(req));
    const lang = found?.lang ?? asked(req) ?? 'ar';
    send(res, 200, {
      lang,
      token,
      path: pathOf(token),
      ...(found
        ? { words: found.view.words }
        : { message: { kind: 'ok', text: mailAccountTexts(lang).alreadyGone } }),
    });
  });

  router.post(`${base}/:token`, async (req, res) => {
    const token = tokenOf(req);
    const ok = verifyUnsubscribeToken(ctx.config, token);
    if (!ok) return badLink(req, res);
    const lang = asked(req) ?? (await subscriptionOfLink(ctx, ok.subscriptionId))?.lang ?? 'ar';
    // Removed now or before: the same answer, so a second post (the mail client's, then the
    // person's) reads as what it is, done.
    await unsubscribeByLink(ctx, ok.subscriptionId, req.ip);
    send(res, 200, {
      lang,
      token,
      path: pathOf(token),
      message: { kind: 'ok', text: mailAccountTexts(lang).unsubscribed },
    });
  });
  return router;
}
