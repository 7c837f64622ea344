import express, { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { actorOf } from '../auth/audit.js';
import { authDeps, principalOf } from '../auth/principal.js';
import type { AppContext } from '../context.js';
import { HttpError, validationError } from '../http/errors.js';
import { retentionTexts } from '../i18n/retention.js';
import { adminPage, Hidden, Table, type Lang, type PageCtx } from '../admin/pages/render.js';
import { requireAdmin } from '../admin/auth.js';
import { sendPage } from '../http/ui/html.js';
import { eraseCitizen, type ErasureReport } from './erase.js';
import { progressOf } from './purge.js';
import { lastRetentionRun, type RetentionRun } from './runs.js';

export const erasureBodySchema = z.strictObject({ phone: z.string().trim().min(1).max(40) });
const formBody = z.object({
  phone: z.string().trim().max(40).default(''),
  confirm: z.literal('yes').optional(),
  lang: z.enum(['ar', 'en']).optional(),
  _csrf: z.string().optional(),
});

/**
 * Erasure on request: a page for administrators (/admin/erasure) and the same as an API
 * (POST /api/admin/erasures), admin role only, for the data-protection officer's own tools.
 */
export function retentionRouter(ctx: AppContext): Router {
  const auth = authDeps(ctx);
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '4kb' });
  const page = requireAdmin(ctx, auth, 'page', ['admin']);
  const pc = (req: Request, res: Response, lang: Lang): PageCtx => ({
    lang,
    p: principalOf(res),
    csrf: res.locals.csrf ?? '',
    path: '/admin/erasure',
    sandbox: ctx.sandbox !== undefined,
  });
  const render = (
    c: PageCtx,
    state: { report?: ErasureReport; error?: HttpError; phone?: string; lastRun?: RetentionRun | null } = {},
  ) => {
    const t = retentionTexts(c.lang);
    return adminPage(
      c,
      t.title,
      <>
        <section>
          <p class="note">{t.intro}</p>
          <form class="stack" method="post" action="/admin/erasure">
            <Hidden c={c} />
            <label>
              {t.phone}
              <input
                name="phone"
                value={state.phone ?? ''}
                inputmode="tel"
                dir="ltr"
                autocomplete="off"
                required
              />
            </label>
            <label>
              <input type="checkbox" name="confirm" value="yes" required /> {t.confirm}
            </label>
            <button class="primary" type="submit">
              {t.submit}
            </button>
          </form>
        </section>
        {state.report && (
          <section>
            <p class="ok" role="status">
              {t.done(state.report.subject)}
            </p>
            {state.report.optOutKept && <p class="note">{t.optOutKept}</p>}
            <h2>{t.changed}</h2>
            <Table
              headers={['', '#']}
              rows={Object.entries(state.report.changed).map(([k, n]) => [k, String(n)])}
            />
          </section>
        )}
        <LastRun run={state.lastRun ?? null} lang={c.lang} />
      </>,
      state.error ? { error: state.error } : {},
    );
  };

  router.get('/admin/erasure', page, async (req, res) => {
    const lang = req.query.lang === 'en' ? 'en' : 'ar';
    sendPage(res, 200, render(pc(req, res, lang), { lastRun: await lastRetentionRun(ctx) }));
  });
  router.post('/admin/erasure', form, page, async (req, res) => {
    const parsed = formBody.safeParse(req.body ?? {});
    const lang = parsed.success && parsed.data.lang === 'en' ? 'en' : 'ar';
    const c = pc(req, res, lang);
    if (!parsed.success)
      return sendPage(res, 400, render(c, { error: validationError(parsed.error, 'body', 422, req.body) }));
    if (parsed.data.confirm !== 'yes')
      return sendPage(
        res,
        422,
        render(c, {
          error: new HttpError(422, 'validation_failed', retentionTexts(lang).confirmNeeded),
          phone: parsed.data.phone,
        }),
      );
    try {
      const report = await eraseCitizen(ctx, parsed.data.phone, { actor: actorOf(c.p), ip: req.ip });
      sendPage(res, 200, render(c, { report }));
    } catch (err) {
      if (!(err instanceof HttpError) || err.status >= 500) throw err;
      sendPage(res, err.status, render(c, { error: err, phone: parsed.data.phone }));
    }
  });

  router.post(
    '/api/admin/erasures',
    requireAdmin(ctx, auth, 'api', ['admin']),
    express.json({ limit: '4kb' }),
    async (req, res) => {
      const parsed = erasureBodySchema.safeParse(req.body ?? {});
      if (!parsed.success) throw validationError(parsed.error, 'body', 422, req.body ?? {});
      const report = await eraseCitizen(ctx, parsed.data.phone, {
        actor: actorOf(principalOf(res)),
        ip: req.ip,
      });
      res.status(200).set('Cache-Control', 'no-store').json(report);
    },
  );
  return router;
}

/** The scheduled purge's last run: where it got to, or what it did (counts only). */
function LastRun({ run, lang }: { run: RetentionRun | null; lang: Lang }) {
  const t = retentionTexts(lang);
  if (!run)
    return (
      <section>
        <h2>{t.lastRun}</h2>
        <p class="note">{t.noRun}</p>
      </section>
    );
  const progress = progressOf(run, '');
  const when = (d: Date | undefined) => (d ? `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC` : '–');
  return (
    <section>
      <h2>{t.lastRun}</h2>
      <p class="note">{t.lastRunNote}</p>
      <Table
        labels
        headers={[t.runState, t.runStates[run.state]]}
        rows={[
          [t.startedAt, <span dir="ltr">{when(run.startedAt)}</span>],
          [t.finishedAt, <span dir="ltr">{when(run.finishedAt)}</span>],
          [t.batches, String(run.batches)],
          ...(run.batchSize ? [[t.batchSize, String(run.batchSize)]] : []),
          [t.percent, `${progress.percent}%`],
          [t.remaining, String(progress.remaining)],
          [t.recordingsDeleted, String(run.recordingsDeleted)],
          [t.recordingDeletesFailed, String(run.recordingDeletesFailed)],
        ]}
      />
      <Table
        labels
        headers={[t.kind, t.kindChanged]}
        rows={Object.entries(progress.changed).map(([k, n]) => [<span dir="ltr">{k}</span>, String(n)])}
      />
    </section>
  );
}
