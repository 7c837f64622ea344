import express, { Router, type Request, type Response } from 'express';
import { principalOf, type AuthDeps } from '../../auth/principal.js';
import type { AppContext } from '../../context.js';
import { HttpError } from '../../http/errors.js';
import { sendPage } from '../../http/ui/html.js';
import { connectorTexts } from '../../i18n/connectors.js';
import { listAgencies } from '../directory.js';
import { requireAdmin } from '../auth.js';
import type { Who } from '../change-audit.js';
import { renderAgencyChooser, renderConnectorsPage, type ConnectorPageState } from './page.js';
import {
  connectorLog,
  formToOverride,
  listConnectors,
  rotateConnectorSecret,
  saveMapping,
  sendTestEvent,
  setUpConnector,
} from './service.js';

/** /admin/connectors (choose an agency) and /admin/agencies/:code/connectors (its page and forms). */
export function connectorAdminRouter(ctx: AppContext, auth: AuthDeps): Router {
  const router = Router();
  const guard = requireAdmin(ctx, auth, 'page');
  const form = express.urlencoded({ extended: false, limit: '64kb' });
  const paths = [
    '/admin/connectors',
    '/admin/agencies/:code/connectors',
    '/admin/agencies/:code/connectors/*rest',
  ];
  router.use(paths, form, guard);

  type Body = Record<string, string | string[] | undefined>;
  const fields = (req: Request): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries((req.body ?? {}) as Body)) {
      const one = Array.isArray(v) ? v[0] : v;
      if (typeof one === 'string') out[k] = one;
    }
    return out;
  };
  const langOf = (req: Request): 'ar' | 'en' => ((fields(req).lang ?? req.query.lang) === 'en' ? 'en' : 'ar');
  const c = (req: Request, res: Response) => ({
    lang: langOf(req),
    p: principalOf(res),
    csrf: res.locals.csrf ?? '',
  });
  const who = (req: Request, res: Response): Who => ({ p: principalOf(res), req });
  const code = (req: Request) => String(req.params.code ?? '');
  const system = (req: Request) => String(req.params.system ?? '');

  const page = async (req: Request, res: Response, status: number, state: ConnectorPageState) => {
    const w = who(req, res);
    const [connectors, log] = await Promise.all([
      listConnectors(ctx, w, code(req)),
      connectorLog(ctx, w, code(req)),
    ]);
    sendPage(res, status, renderConnectorsPage(c(req, res), code(req), connectors, log, state));
  };

  /** Runs a change; a refusal shows the page again naming what is wrong. */
  const attempt =
    (change: (req: Request, res: Response) => Promise<ConnectorPageState | undefined>) =>
    async (req: Request, res: Response) => {
      let state: ConnectorPageState | undefined;
      try {
        state = await change(req, res);
      } catch (err) {
        if (!(err instanceof HttpError) || err.status >= 500) throw err;
        if (err.status === 404 && err.message.startsWith('agency')) return chooser(req, res, 404, err);
        return page(req, res, err.status, { error: err });
      }
      if (state) return page(req, res, 200, state);
      res.redirect(
        303,
        `/admin/agencies/${encodeURIComponent(code(req))}/connectors?lang=${langOf(req)}&saved=1`,
      );
    };

  const chooser = async (req: Request, res: Response, status: number, error?: HttpError) => {
    const lang = langOf(req);
    const agencies = await listAgencies(ctx, principalOf(res));
    const list = agencies.map((a) => ({ code: a.code, name: a.name[lang] }));
    sendPage(res, status, renderAgencyChooser(c(req, res), list, error));
  };

  router.get('/admin/connectors', async (req, res) => chooser(req, res, 200));

  router.get('/admin/agencies/:code/connectors', async (req, res) => {
    try {
      await page(req, res, 200, req.query.saved ? { notice: connectorTexts(langOf(req)).saved } : {});
    } catch (err) {
      // An agency that does not exist, or is not the reader's: the list of those that are.
      if (!(err instanceof HttpError) || err.status >= 500) throw err;
      await chooser(req, res, err.status, err);
    }
  });

  router.post(
    '/admin/agencies/:code/connectors/:system/set-up',
    attempt(async (req, res) => {
      const { secret } = await setUpConnector(
        ctx,
        who(req, res),
        code(req),
        system(req),
        pasted(fields(req)),
      );
      return secret ? { once: { system: system(req), secret } } : undefined;
    }),
  );
  router.post(
    '/admin/agencies/:code/connectors/:system/rotate',
    attempt(async (req, res) => {
      const { secret } = await rotateConnectorSecret(
        ctx,
        who(req, res),
        code(req),
        system(req),
        pasted(fields(req)),
      );
      return secret ? { once: { system: system(req), secret } } : undefined;
    }),
  );
  router.post(
    '/admin/agencies/:code/connectors/:system/mapping',
    attempt(async (req, res) => {
      const f = fields(req);
      const revision = Number(f.revision);
      await saveMapping(
        ctx,
        who(req, res),
        code(req),
        system(req),
        formToOverride(f),
        Number.isInteger(revision) ? revision : undefined,
      );
      return undefined;
    }),
  );
  router.post(
    '/admin/agencies/:code/connectors/:system/test',
    attempt(async (req, res) => {
      const result = await sendTestEvent(ctx, who(req, res), code(req), system(req));
      return { test: { system: system(req), result } };
    }),
  );

  return router;
}

/** The pasted secret, when the form had one (a generated secret's form has none). */
function pasted(f: Record<string, string>): Record<string, string> {
  return f.secret !== undefined ? { secret: f.secret } : {};
}
