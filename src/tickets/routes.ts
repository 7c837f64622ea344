import express, { Router } from 'express';
import { z } from 'zod';
import { requireApiToken } from '../auth/api-auth.js';
import type { Scope } from '../auth/api-tokens.js';
import type { AppContext } from '../context.js';
import { TICKET_EVENT_TYPES } from '../db/models/ticket.js';
import { citizenLanguageOf } from '../i18n/languages.js';
import { HttpError, validationError } from '../http/errors.js';
import { normalisePhone } from './phone.js';
import { withVerification } from './verification.js';
import { ticketService } from './worker.js';

export const refSchema = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,64}$/, 'ticket ref: 1–64 letters, digits, . _ -');
const idSchema = z.string().trim().min(1).max(128);
/**
 * Agency, department and agent are codes, never free text: the agency's code heads the citizen's SMS
 * under the official sender when the directory has no name for it, and codes are listed on the
 * public board and in exports. Markup, formulas, control and bidirectional characters cannot pass.
 */
const codeSchema = z
  .string()
  .trim()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
    'a code: 1–64 letters, digits, . _ - (starting with a letter or digit)',
  );

/**
 * Any ISO 639 code or BCP 47 tag ("ur", "ur-PK", "tl", "sw"): one of the citizen languages is asked
 * in that language, any other in Arabic with English (`requestedLanguage` keeps what was sent), so a
 * ticket system is never refused for a language it knows and we do not. Only a value that is no
 * language tag at all is refused.
 */
const languageSchema = z
  .string()
  .trim()
  .max(35, 'a language code: at most 35 characters')
  .regex(
    /^[A-Za-z]{2,8}(?:[-_][A-Za-z0-9]{1,8})*$/,
    'an ISO 639 code or BCP 47 tag, e.g. "ar", "ur-PK", "fil"',
  )
  .transform((tag) => {
    const language = citizenLanguageOf(tag);
    return language ? { language } : { language: 'ar' as const, requestedLanguage: tag.toLowerCase() };
  });

export const ticketEventBodySchema = z
  .object({
    eventId: idSchema.regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces'),
    type: z.enum(TICKET_EVENT_TYPES),
    at: z.iso.datetime({ offset: true }),
    agency: codeSchema,
    department: codeSchema,
    agentId: codeSchema,
    citizenPhone: z.string().trim().min(3).max(32),
    language: languageSchema.default({ language: 'ar' }),
    callSid: z
      .string()
      .regex(/^CA[0-9a-fA-F]{32}$/, 'a Twilio CallSid (CA + 32 hex digits)')
      .optional(),
  })
  .strict();

/**
 * A token scoped to an agency (and department) reports and reads only that agency's tickets; an
 * unscoped token (admin, or a ticket system for every agency) is not limited.
 */
function outOfScope(scope: Scope | undefined, t: { agency: string; department: string }): boolean {
  return (
    (scope?.agency !== undefined && t.agency !== scope.agency) ||
    (scope?.department !== undefined && t.department !== scope.department)
  );
}

/** The one answer for a ticket that does not exist or is not the caller's to see or report to. */
function ticketNotFound(ref: string): HttpError {
  return new HttpError(404, 'ticket_not_found', `No ticket with ref ${ref}`);
}

function scopeName(scope: Scope): string {
  return scope.department !== undefined
    ? `agency ${scope.agency ?? '*'}, department ${scope.department}`
    : `agency ${scope.agency ?? '*'}`;
}

export function ticketsRouter(ctx: AppContext): Router {
  const router = Router();
  const service = ticketService(ctx);
  const tokenAuthDeps = {
    models: ctx.models,
    log: ctx.log,
    tokenCacheMs: ctx.config.auth.apiTokenCacheMs,
  };
  const auth = requireApiToken(tokenAuthDeps, ['admin', 'ticket_system']);
  const readAuth = requireApiToken(tokenAuthDeps, ['admin', 'ticket_system', 'auditor']);

  router.post('/api/tickets/:ref/events', auth, express.json({ limit: '16kb' }), async (req, res) => {
    const ref = refSchema.safeParse(req.params.ref);
    if (!ref.success) throw validationError(ref.error, 'params', 400);
    const body = ticketEventBodySchema.safeParse(req.body);
    if (!body.success) throw validationError(body.error, 'body');
    const scope = res.locals.principal?.scope;
    if (scope && outOfScope(scope, body.data)) {
      throw new HttpError(403, 'out_of_scope', `This token reports events for ${scopeName(scope)} only`);
    }
    const phone = normalisePhone(body.data.citizenPhone, ctx.config.phoneDefaultRegion);
    if (!phone.ok) {
      throw new HttpError(422, 'validation_failed', `Invalid body: citizenPhone ${phone.reason}`, {
        fields: [{ field: 'citizenPhone', message: phone.reason }],
      });
    }
    // RFC 7240: `Prefer: return=representation` asks for the derived ticket in the answer, so the
    // event is applied before answering; otherwise it is stored, queued and answered with 202.
    const wantsTicket = /(^|[\s,;])return=representation(\s*($|[,;]))/i.test(req.get('prefer') ?? '');
    const { language, ...fields } = body.data;
    const outcome = await service.accept(
      { ...fields, ...language, ticketRef: ref.data, at: new Date(body.data.at), citizenPhone: phone.e164 },
      { applyNow: wantsTicket },
    );
    if (outcome.kind === 'not_owner') {
      // The ticket belongs to the agency (and department) of its first event; another agency's event
      // never moves it. A token that may not see that ticket is answered as for one that does not
      // exist, exactly as its read is, so it learns nothing of another agency's tickets.
      if (scope && outOfScope(scope, outcome.owner)) throw ticketNotFound(ref.data);
      throw new HttpError(
        409,
        'ticket_owner_mismatch',
        `Ticket ${ref.data} belongs to agency ${outcome.owner.agency}, department ${outcome.owner.department}: its events must name them`,
      );
    }
    if (outcome.kind === 'conflict') {
      // Only this agency's own events can conflict (ids are per agency), but a department-scoped
      // token is not told which ticket of its agency used the id.
      const message =
        scope?.agency !== undefined || scope?.department !== undefined
          ? `eventId ${body.data.eventId} was already used for a different event`
          : outcome.message;
      throw new HttpError(409, 'event_id_conflict', message);
    }
    const replayed = outcome.kind === 'replayed' || outcome.replayed;
    ctx.log.info(
      { ticketRef: ref.data, eventId: body.data.eventId, type: body.data.type, replayed },
      'ticket event',
    );
    if (replayed) res.setHeader('Idempotent-Replayed', 'true');
    res.setHeader('Location', `/api/tickets/${ref.data}`);
    if (outcome.result) {
      if (wantsTicket) res.setHeader('Preference-Applied', 'return=representation');
      res.status(replayed ? 200 : 201).json(outcome.result);
      return;
    }
    res.status(202).json({
      event: { eventId: body.data.eventId, type: body.data.type, at: new Date(body.data.at).toISOString() },
      status: 'accepted',
    });
  });

  router.get('/api/tickets/:ref', readAuth, async (req, res) => {
    const ref = refSchema.safeParse(req.params.ref);
    if (!ref.success) throw validationError(ref.error, 'params', 400);
    const ticket = await service.get(ref.data);
    if (!ticket) throw ticketNotFound(ref.data);
    // Another agency's ticket answers as a missing one: a scoped token must not learn it exists. Its
    // owner (the first event's agency) decides, not the agency the stored ticket shows.
    const scope = res.locals.principal?.scope;
    if (scope?.agency !== undefined || scope?.department !== undefined) {
      const owner = await service.ownerOf(ref.data);
      if (!owner || outOfScope(scope, owner)) throw ticketNotFound(ref.data);
    }
    // It names the citizen's closures: no shared cache may keep it.
    res.setHeader('Cache-Control', 'no-store');
    res.json({ ticket: await withVerification(ctx, ticket) });
  });

  return router;
}
