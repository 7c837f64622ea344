import express, { Router, type Request, type Response } from 'express';
import { actorFields, writeAudit } from '../auth/audit.js';
import { countAsWrongGuess, passwordGuessLimiter } from '../auth/login-limit.js';
import { principalOf, type AuthDeps } from '../auth/principal.js';
import { readCookie, SESSION_COOKIE, setSessionCookie } from '../auth/session.js';
import type { AppContext } from '../context.js';
import { REASONS } from '../followup/conversation/reply-parser.js';
import { HttpError } from '../http/errors.js';
import { adminTexts } from '../i18n/admin.js';
import { h } from 'preact';
import { sendPage } from '../http/ui/html.js';
import { parseAuditQuery, readAuditLog } from './audit-log.js';
import { requireAdmin } from './auth.js';
import type { Who } from './change-audit.js';
import { CSV_KINDS, exportDirectoryCsv, importDirectoryCsv, type CsvKind } from './csv-directory.js';
import {
  createAgency,
  createAgent,
  createDepartment,
  getAgency,
  listAgencies,
  listAgents,
  listDepartments,
  updateAgency,
} from './directory.js';
import { DeliveryResult, ImportReportView, renderAgency, renderAgencyList } from './pages/agency-pages.js';
import {
  renderAccount,
  renderAudit,
  renderPasswordLink,
  renderTokens,
  renderUnknown,
  renderUsers,
} from './pages/people-pages.js';
import type { Lang, PageCtx, PageState } from './pages/render.js';
import {
  changeOwnPassword,
  createToken,
  forceReset,
  inviteUser,
  listTokens,
  listUsers,
  revokeToken,
  updateUser,
  usePasswordLink,
  userOfLink,
  WrongCurrentPassword,
} from './people.js';
import { accountMailView } from './mail/account.js';
import { addUnknownCode, listUnknownCodes } from './unknown-codes.js';
import {
  listDeliveries,
  resendDelivery,
  retirePreviousSecrets,
  rotateSecret,
  sendTestEvent,
} from './webhook/secrets.js';

/**
 * The administration pages: plain HTML forms (no script, the pages' CSP allows none), each posting
 * to the same functions the API calls. A change redirects to its page (303); a refused one shows the
 * page again with the error naming each field, and a secret, link or token is shown once in the
 * answer to the request that made it.
 */

type Body = Record<string, string | string[] | undefined>;

function str(b: Body, k: string): string {
  const v = b[k];
  return (Array.isArray(v) ? v[0] : v)?.trim() ?? '';
}
function opt(b: Body, k: string): string | undefined {
  return str(b, k) || undefined;
}
function num(b: Body, k: string): number | string | undefined {
  const v = str(b, k);
  if (!v) return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : v;
}

/** The agency form as the API's JSON body, so both are validated by the same schema. */
export function formToAgency(b: Body, withCode: boolean): Record<string, unknown> {
  // In order, first to last; an older form (or a script) may still post the `channels` list.
  const ordered = ['channel_1', 'channel_2', 'channel_3'].map((k) => str(b, k)).filter(Boolean);
  const listed = b.channels === undefined ? [] : Array.isArray(b.channels) ? b.channels : [b.channels];
  const channels = ordered.length > 0 ? ordered : listed;
  const templates = {
    ...(opt(b, 'wa_template_ar') ? { ar: str(b, 'wa_template_ar') } : {}),
    ...(opt(b, 'wa_template_en') ? { en: str(b, 'wa_template_en') } : {}),
  };
  const sender = {
    ...(opt(b, 'sender_sms') ? { sms: str(b, 'sender_sms') } : {}),
    ...(opt(b, 'sender_whatsapp') ? { whatsapp: str(b, 'sender_whatsapp') } : {}),
  };
  const reasons = REASONS.flatMap((r) => {
    const ar = str(b, `reason_${r}_ar`);
    const en = str(b, `reason_${r}_en`);
    return ar || en ? [{ code: r, ar, en }] : [];
  });
  const start = str(b, 'window_start');
  const end = str(b, 'window_end');
  return {
    ...(withCode ? { code: str(b, 'code') } : {}),
    name: { ar: str(b, 'name_ar'), en: str(b, 'name_en') },
    ...(opt(b, 'public_ar') || opt(b, 'public_en')
      ? {
          publicName: {
            ...(opt(b, 'public_ar') ? { ar: str(b, 'public_ar') } : {}),
            ...(opt(b, 'public_en') ? { en: str(b, 'public_en') } : {}),
          },
        }
      : {}),
    channels,
    ...(Object.keys(sender).length ? { sender } : {}),
    ...(num(b, 'delay_hours') !== undefined ? { followUpDelayHours: num(b, 'delay_hours') } : {}),
    ...(num(b, 'max_age_hours') !== undefined ? { followUpMaxAgeHours: num(b, 'max_age_hours') } : {}),
    ...(num(b, 'channel_wait_hours') !== undefined ? { channelWaitHours: num(b, 'channel_wait_hours') } : {}),
    ...(num(b, 'dispute_act_days') !== undefined ? { disputeActDays: num(b, 'dispute_act_days') } : {}),
    ...(Object.keys(templates).length ? { whatsappTemplates: templates } : {}),
    ...(start || end ? { sendWindow: { start, end } } : {}),
    ...(opt(b, 'send_days') ? { sendDays: str(b, 'send_days') } : {}),
    ...(reasons.length ? { reasons } : {}),
    ...(withCode
      ? opt(b, 'webhook_url')
        ? { disputeWebhookUrl: str(b, 'webhook_url') }
        : {}
      : { disputeWebhookUrl: str(b, 'webhook_url') }),
    ...(withCode
      ? opt(b, 'answer_webhook_url')
        ? { answerWebhookUrl: str(b, 'answer_webhook_url') }
        : {}
      : { answerWebhookUrl: str(b, 'answer_webhook_url') }),
    ...(!withCode && num(b, 'revision') !== undefined ? { revision: num(b, 'revision') } : {}),
  };
}

function scopeOf(b: Body): { agency?: string; department?: string } {
  return {
    ...(opt(b, 'agency') ? { agency: str(b, 'agency') } : {}),
    ...(opt(b, 'department') ? { department: str(b, 'department') } : {}),
  };
}

export function adminWebRouter(ctx: AppContext, auth: AuthDeps): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '2mb' });
  const guard = requireAdmin(ctx, auth, 'page');
  const langOf = (req: Request): Lang => {
    const b = req.body as Body | undefined;
    const v = (b && str(b, 'lang')) || req.query.lang;
    return v === 'en' ? 'en' : 'ar';
  };
  const pc = (req: Request, res: Response): PageCtx => ({
    lang: langOf(req),
    p: principalOf(res),
    csrf: res.locals.csrf ?? '',
    path: req.path,
    sandbox: ctx.sandbox !== undefined,
  });
  const who = (req: Request, res: Response): Who => ({ p: principalOf(res), req });
  const back = (res: Response, path: string, lang: Lang) => res.redirect(303, `${path}?lang=${lang}&saved=1`);
  const notice = (req: Request): PageState =>
    req.query.saved ? { notice: adminTexts(langOf(req)).changed } : {};
  const param = (req: Request, k: string) => String(req.params[k] ?? '');

  /** Runs a change; a refused one (HttpError) shows `page` again with the error. */
  const attempt =
    (
      change: (req: Request, res: Response) => Promise<void>,
      page: (req: Request, res: Response, state: PageState) => Promise<string>,
    ) =>
    async (req: Request, res: Response) => {
      try {
        await change(req, res);
      } catch (err) {
        if (!(err instanceof HttpError) || err.status >= 500) throw err;
        sendPage(res, err.status, await page(req, res, { error: err }));
      }
    };

  router.use(['/admin', '/account'], form);
  router.use('/admin', guard);

  // Agencies -------------------------------------------------------------------------------------
  const listPage = async (req: Request, res: Response, state: PageState) =>
    renderAgencyList(pc(req, res), await listAgencies(ctx, principalOf(res)), state);
  router.get('/admin', async (req, res) => sendPage(res, 200, await listPage(req, res, notice(req))));
  router.post(
    '/admin/agencies',
    attempt(async (req, res) => {
      const { agency, webhookSecret } = await createAgency(
        ctx,
        who(req, res),
        formToAgency(req.body as Body, true),
      );
      if (!webhookSecret) return back(res, `/admin/agencies/${encodeURIComponent(agency.code)}`, langOf(req));
      sendPage(
        res,
        201,
        await agencyPage(req, res, agency.code, {
          once: { label: adminTexts(langOf(req)).secretOnce, value: webhookSecret },
        }),
      );
    }, listPage),
  );

  const agencyPage = async (req: Request, res: Response, code: string, state: PageState) => {
    const w = who(req, res);
    const agency = await getAgency(ctx, w, code);
    const [departments, agents, deliveries] = await Promise.all([
      listDepartments(ctx, w, code),
      listAgents(ctx, w, code),
      listDeliveries(ctx, w, code, 20),
    ]);
    return renderAgency(pc(req, res), agency, departments, agents, deliveries, state);
  };
  const thisAgencyPage = (req: Request, res: Response, state: PageState) =>
    agencyPage(req, res, param(req, 'code'), state);
  const agencyBase = (req: Request) => `/admin/agencies/${encodeURIComponent(param(req, 'code'))}`;

  router.get('/admin/agencies/:code', async (req, res) => {
    try {
      sendPage(res, 200, await thisAgencyPage(req, res, notice(req)));
    } catch (err) {
      if (!(err instanceof HttpError) || err.status >= 500) throw err;
      sendPage(res, err.status, await listPage(req, res, { error: err }));
    }
  });
  router.post(
    '/admin/agencies/:code',
    attempt(async (req, res) => {
      const { webhookSecret } = await updateAgency(
        ctx,
        who(req, res),
        param(req, 'code'),
        formToAgency(req.body as Body, false),
      );
      if (!webhookSecret) return back(res, agencyBase(req), langOf(req));
      sendPage(
        res,
        200,
        await thisAgencyPage(req, res, {
          once: { label: adminTexts(langOf(req)).secretOnce, value: webhookSecret },
        }),
      );
    }, thisAgencyPage),
  );
  router.post(
    '/admin/agencies/:code/departments',
    attempt(async (req, res) => {
      const b = req.body as Body;
      await createDepartment(ctx, who(req, res), param(req, 'code'), {
        code: str(b, 'code'),
        name: { ar: str(b, 'name_ar'), en: str(b, 'name_en') },
      });
      back(res, agencyBase(req), langOf(req));
    }, thisAgencyPage),
  );
  router.post(
    '/admin/agencies/:code/agents',
    attempt(async (req, res) => {
      const b = req.body as Body;
      const phones = str(b, 'staff_phones')
        .split(/[;,]/)
        .map((p) => p.trim())
        .filter(Boolean);
      await createAgent(ctx, who(req, res), param(req, 'code'), {
        agentId: str(b, 'agent_id'),
        department: str(b, 'department'),
        displayName: str(b, 'display_name'),
        ...(opt(b, 'dial_target') ? { dialTarget: str(b, 'dial_target') } : {}),
        staffPhones: phones,
      });
      back(res, agencyBase(req), langOf(req));
    }, thisAgencyPage),
  );
  router.post(
    '/admin/agencies/:code/import',
    attempt(async (req, res) => {
      const b = req.body as Body;
      const kind = str(b, 'kind');
      if (!(CSV_KINDS as readonly string[]).includes(kind))
        throw new HttpError(422, 'validation_failed', 'kind', {
          fields: [{ field: 'kind', message: `one of ${CSV_KINDS.join(', ')}` }],
        });
      const report = await importDirectoryCsv(
        ctx,
        who(req, res),
        param(req, 'code'),
        kind as CsvKind,
        str(b, 'csv'),
        str(b, 'mode') !== 'import',
      );
      const c = pc(req, res);
      sendPage(
        res,
        report.problems.length ? 422 : 200,
        await thisAgencyPage(req, res, {
          extra: h(ImportReportView, { c, r: report }),
          // After a dry run the same text is there to import; after an import, an empty form.
          ...(report.dryRun || report.problems.length ? { form: { kind, csv: str(b, 'csv') } } : {}),
        }),
      );
    }, thisAgencyPage),
  );
  router.get('/admin/agencies/:code/export.csv', async (req, res) => {
    const kind = req.query.kind === 'departments' ? 'departments' : 'agents';
    const body = await exportDirectoryCsv(ctx, who(req, res), param(req, 'code'), kind);
    res
      .set('Cache-Control', 'no-store')
      .type('text/csv; charset=utf-8')
      .setHeader('Content-Disposition', `attachment; filename="${param(req, 'code')}-${kind}.csv"`)
      .send(body);
  });
  router.post(
    '/admin/agencies/:code/webhook/rotate',
    attempt(async (req, res) => {
      const overlap = num(req.body as Body, 'overlap_hours');
      const { secret } = await rotateSecret(
        ctx,
        who(req, res),
        param(req, 'code'),
        overlap !== undefined ? { overlapHours: overlap } : {},
      );
      sendPage(
        res,
        200,
        await thisAgencyPage(req, res, {
          once: { label: adminTexts(langOf(req)).secretOnce, value: secret },
        }),
      );
    }, thisAgencyPage),
  );
  router.post(
    '/admin/agencies/:code/webhook/retire',
    attempt(async (req, res) => {
      await retirePreviousSecrets(ctx, who(req, res), param(req, 'code'));
      back(res, agencyBase(req), langOf(req));
    }, thisAgencyPage),
  );
  const deliveryExtra = (
    req: Request,
    res: Response,
    r: { ok: boolean; status?: number; error?: string; latencyMs: number; response?: string },
  ) => h(DeliveryResult, { c: pc(req, res), r });
  router.post(
    '/admin/agencies/:code/webhook/test',
    attempt(async (req, res) => {
      const result = await sendTestEvent(ctx, who(req, res), param(req, 'code'));
      sendPage(res, 200, await thisAgencyPage(req, res, { extra: deliveryExtra(req, res, result) }));
    }, thisAgencyPage),
  );
  router.post(
    '/admin/agencies/:code/webhook/deliveries/:id/resend',
    attempt(async (req, res) => {
      const out = await resendDelivery(ctx, who(req, res), param(req, 'code'), param(req, 'id'));
      if (out.result)
        return sendPage(
          res,
          200,
          await thisAgencyPage(req, res, { extra: deliveryExtra(req, res, out.result) }),
        );
      back(res, agencyBase(req), langOf(req));
    }, thisAgencyPage),
  );

  // Users and tokens ---------------------------------------------------------------------------------
  const usersPage = async (req: Request, res: Response, state: PageState) =>
    renderUsers(pc(req, res), await listUsers(ctx, who(req, res)), state);
  router.get('/admin/users', async (req, res) => sendPage(res, 200, await usersPage(req, res, notice(req))));
  router.post(
    '/admin/users',
    attempt(async (req, res) => {
      const b = req.body as Body;
      const out = await inviteUser(ctx, who(req, res), {
        username: str(b, 'username'),
        role: str(b, 'role'),
        ...scopeOf(b),
      });
      const t = adminTexts(langOf(req));
      // The invited name is listed whether or not it was taken elsewhere (see inviteUser).
      const users = await listUsers(ctx, who(req, res));
      if (!users.some((u) => u.username === out.user.username)) {
        const at = users.findIndex((u) => u.username > out.user.username);
        users.splice(at < 0 ? users.length : at, 0, out.user);
      }
      sendPage(
        res,
        201,
        renderUsers(pc(req, res), users, {
          once: { label: `${t.linkOnce} ${out.expiresAt.slice(0, 16).replace('T', ' ')}`, value: out.link },
        }),
      );
    }, usersPage),
  );
  router.post(
    '/admin/users/:username',
    attempt(async (req, res) => {
      const b = req.body as Body;
      const s = scopeOf(b);
      await updateUser(ctx, who(req, res), param(req, 'username'), {
        role: str(b, 'role'),
        agency: s.agency ?? null,
        department: s.department ?? null,
        // An older form without the field leaves the address as it is.
        ...(b.email !== undefined ? { email: str(b, 'email') } : {}),
        ...(num(b, 'revision') !== undefined ? { revision: num(b, 'revision') } : {}),
      });
      back(res, '/admin/users', langOf(req));
    }, usersPage),
  );
  for (const action of ['disable', 'enable'] as const)
    router.post(
      `/admin/users/:username/${action}`,
      attempt(async (req, res) => {
        await updateUser(ctx, who(req, res), param(req, 'username'), { disabled: action === 'disable' });
        back(res, '/admin/users', langOf(req));
      }, usersPage),
    );
  router.post(
    '/admin/users/:username/reset',
    attempt(async (req, res) => {
      const out = await forceReset(ctx, who(req, res), param(req, 'username'));
      const t = adminTexts(langOf(req));
      sendPage(
        res,
        200,
        await usersPage(req, res, {
          once: { label: `${t.linkOnce} ${out.expiresAt.slice(0, 16).replace('T', ' ')}`, value: out.link },
        }),
      );
    }, usersPage),
  );

  const tokensPage = async (req: Request, res: Response, state: PageState) =>
    renderTokens(pc(req, res), await listTokens(ctx, who(req, res)), state);
  router.get('/admin/tokens', async (req, res) =>
    sendPage(res, 200, await tokensPage(req, res, notice(req))),
  );
  router.post(
    '/admin/tokens',
    attempt(async (req, res) => {
      const b = req.body as Body;
      const { token } = await createToken(ctx, who(req, res), {
        name: str(b, 'name'),
        role: str(b, 'role'),
        ...scopeOf(b),
      });
      sendPage(
        res,
        201,
        await tokensPage(req, res, { once: { label: adminTexts(langOf(req)).tokenOnce, value: token } }),
      );
    }, tokensPage),
  );
  router.post(
    '/admin/tokens/:id/revoke',
    attempt(async (req, res) => {
      await revokeToken(ctx, who(req, res), param(req, 'id'));
      back(res, '/admin/tokens', langOf(req));
    }, tokensPage),
  );

  // Audit log and unknown codes ------------------------------------------------------------------------
  router.get('/admin/audit', async (req, res) => {
    const raw = Object.fromEntries(
      Object.entries(req.query).map(([k, v]) => [k, typeof v === 'string' ? v : undefined]),
    );
    try {
      const rows = await readAuditLog(ctx, who(req, res), parseAuditQuery(req.query));
      sendPage(res, 200, renderAudit(pc(req, res), raw, rows));
    } catch (err) {
      if (!(err instanceof HttpError) || err.status >= 500) throw err;
      sendPage(res, err.status, renderAudit(pc(req, res), raw, [], { error: err }));
    }
  });
  const unknownPage = async (req: Request, res: Response, state: PageState) =>
    renderUnknown(pc(req, res), await listUnknownCodes(ctx, who(req, res)), state);
  router.get('/admin/unknown-codes', async (req, res) =>
    sendPage(res, 200, await unknownPage(req, res, notice(req))),
  );
  router.post(
    '/admin/unknown-codes/add',
    attempt(async (req, res) => {
      const b = req.body as Body;
      const out = await addUnknownCode(ctx, who(req, res), {
        kind: str(b, 'kind'),
        agency: str(b, 'agency'),
        ...(opt(b, 'code') ? { code: str(b, 'code') } : {}),
      });
      back(res, `/admin/agencies/${encodeURIComponent(out.agency)}`, langOf(req));
    }, unknownPage),
  );

  // Own password, and the invitation / reset link -------------------------------------------------------
  const accountGuard = requireAdmin(ctx, auth, 'page');
  const accountPage = async (req: Request, res: Response, state: PageState) =>
    renderAccount(pc(req, res), state, await accountMailView(ctx, principalOf(res), langOf(req)));
  router.get('/account', accountGuard, async (req, res) =>
    sendPage(res, 200, await accountPage(req, res, notice(req))),
  );
  const guessLimit = passwordGuessLimiter({
    redis: ctx.redis,
    keyPrefix: ctx.config.queuePrefix,
    maxAttempts: ctx.config.auth.loginMaxAttempts,
    windowMinutes: ctx.config.auth.loginWindowMinutes,
    userOf: (_req, res) => principalOf(res).id,
    onLimited: async (req, res) => {
      const t = adminTexts(langOf(req));
      await writeAudit(ctx, {
        ...actorFields(principalOf(res)),
        action: 'password_change_limited',
        outcome: 'denied',
        ...(req.ip ? { ip: req.ip } : {}),
      });
      sendPage(
        res,
        429,
        await accountPage(req, res, { error: new HttpError(429, 'too_many_attempts', t.passwordLimited) }),
      );
    },
  });
  router.post(
    '/account',
    accountGuard,
    guessLimit,
    attempt(
      async (req, res) => {
        const b = req.body as Body;
        const w = who(req, res);
        try {
          await changeOwnPassword(ctx, w, str(b, 'current'), str(b, 'password'));
        } catch (err) {
          if (err instanceof WrongCurrentPassword) countAsWrongGuess(res);
          throw err;
        }
        // Every older session of this user has ended; this one continues under a new id.
        const old = readCookie(req, SESSION_COOKIE);
        if (old) await auth.sessions.destroy(old);
        setSessionCookie(
          req,
          res,
          ctx.config.publicBaseUrl,
          await auth.sessions.create(w.p.id),
          auth.sessions.maxAgeMs,
        );
        back(res, '/account', langOf(req));
      },
      (req, res, state) => accountPage(req, res, state),
    ),
  );
  router.get('/account/password/:token', async (req, res) => {
    const lang = langOf(req);
    const token = param(req, 'token');
    const username = await userOfLink(ctx, token);
    res.setHeader('Referrer-Policy', 'no-referrer');
    sendPage(
      res,
      username ? 200 : 410,
      renderPasswordLink(lang, token, username, username ? {} : { error: adminTexts(lang).linkExpired }),
    );
  });
  router.post('/account/password/:token', async (req, res) => {
    const lang = langOf(req);
    const token = param(req, 'token');
    const t = adminTexts(lang);
    try {
      await usePasswordLink(ctx, token, str(req.body as Body, 'password'), req.ip);
      sendPage(res, 200, renderPasswordLink(lang, undefined, undefined, { ok: t.passwordSet }));
    } catch (err) {
      if (!(err instanceof HttpError) || err.status >= 500) throw err;
      const username = await userOfLink(ctx, token);
      const details = err.details as { fields?: { message: string }[] } | undefined;
      sendPage(
        res,
        err.status,
        renderPasswordLink(lang, username ? token : undefined, username, {
          error: err.status === 410 ? t.linkExpired : (details?.fields?.[0]?.message ?? err.message),
        }),
      );
    }
  });
  return router;
}
