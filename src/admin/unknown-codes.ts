import { z } from 'zod';
import type { AppContext } from '../context.js';
import type { TicketDoc } from '../tickets/closure-hooks.js';
import { perDatabaseCache } from '../db/per-database-cache.js';
import { agencyLimit, fieldError } from './access.js';
import { auditChange, parseBody, type Who } from './change-audit.js';
import { createAgency, createDepartment } from './directory.js';
import { codeSchema } from './schemas.js';

/**
 * Ticket systems are never refused for configuration lag: an event naming an agency or department
 * the directory does not know is accepted as usual, and the code is listed for an admin to add.
 * Known codes are remembered for a minute per process, so a busy ticket system costs no extra read
 * per event; an unknown one costs one upsert per event (a counter), until someone adds it.
 */

const known = perDatabaseCache<{ known: true }>();

export async function noteUnknownCodes(
  ctx: AppContext,
  ticket: Pick<TicketDoc, 'agency' | 'department'>,
): Promise<void> {
  const cache = known(ctx.models, { max: 10_000, ttlMs: 60_000 });
  const checks: { kind: 'agency' | 'department'; agency: string; code: string; key: string }[] = [
    { kind: 'agency', agency: ticket.agency, code: '', key: `a|${ticket.agency}` },
    {
      kind: 'department',
      agency: ticket.agency,
      code: ticket.department,
      key: `d|${ticket.agency}|${ticket.department}`,
    },
  ];
  for (const c of checks) {
    if (cache.get(c.key)) continue;
    const exists =
      c.kind === 'agency'
        ? await ctx.models.Agency.exists({ code: c.agency })
        : await ctx.models.Department.exists({ agency: c.agency, code: c.code });
    if (exists) {
      cache.set(c.key, { known: true });
      continue;
    }
    const now = new Date();
    try {
      await ctx.models.UnknownCode.updateOne(
        { kind: c.kind, agency: c.agency, code: c.code },
        { $setOnInsert: { firstSeenAt: now }, $set: { lastSeenAt: now }, $inc: { events: 1 } },
        { upsert: true },
      );
    } catch (err) {
      // Two first sightings at once: one insert wins, and the count of the other is not worth a retry.
      ctx.log.debug({ err }, 'unknown code already recorded');
    }
  }
}

export async function listUnknownCodes(ctx: AppContext, who: Who) {
  const limit = agencyLimit(who.p);
  const docs = await ctx.models.UnknownCode.find(limit !== undefined ? { agency: limit } : {})
    .sort({ lastSeenAt: -1 })
    .limit(1000)
    .lean();
  return docs.map((d) => ({
    kind: d.kind,
    agency: d.agency,
    code: d.code || null,
    firstSeenAt: d.firstSeenAt.toISOString(),
    lastSeenAt: d.lastSeenAt.toISOString(),
    events: d.events ?? 0,
  }));
}

export const addUnknownSchema = z
  .object({ kind: z.enum(['agency', 'department']), agency: codeSchema, code: codeSchema.optional() })
  .strict();

/**
 * One click: the code becomes a directory entry named after itself (in both languages, to be
 * renamed on its page), and leaves the list.
 */
export async function addUnknownCode(ctx: AppContext, who: Who, input: unknown) {
  const data = parseBody(addUnknownSchema, input);
  if (data.kind === 'agency') {
    const { agency } = await createAgency(ctx, who, {
      code: data.agency,
      name: { ar: data.agency, en: data.agency },
    });
    await auditChange(
      ctx,
      who,
      'unknown_code.add',
      data.agency,
      `agency:${data.agency}`,
      undefined,
      undefined,
      {},
    );
    return { kind: 'agency' as const, agency: agency.code };
  }
  if (!data.code) throw fieldError(422, 'validation_failed', 'code', 'the department code is required');
  await createDepartment(ctx, who, data.agency, { code: data.code, name: { ar: data.code, en: data.code } });
  return { kind: 'department' as const, agency: data.agency, code: data.code };
}
