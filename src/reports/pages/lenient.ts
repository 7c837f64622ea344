import type { Request } from 'express';
import type { z } from 'zod';
import type { Principal } from '../../auth/api-tokens.js';
import type { AppContext } from '../../context.js';
import { HttpError } from '../../http/errors.js';
import { authorisedFilter } from '../authorise.js';
import { parseQuery, type ReportFilter } from '../filters.js';
import type { FilterProblem } from './filter-form.js';

const FIELDS = new Set(['agency', 'department', 'agent', 'from', 'to', 'channel']);

/**
 * A page's query read as the API reads it, except that a field it refuses is taken out and said on
 * the page (the figures are shown without it) rather than answered with an error page.
 */
export function parseLeniently<S extends z.ZodType>(
  schema: S,
  query: Record<string, unknown>,
  problems: FilterProblem[],
): z.infer<S> {
  try {
    return parseQuery(schema, query);
  } catch (err) {
    const fields = (
      err instanceof HttpError && err.status === 400
        ? ((err.details as { fields?: { field: string; message: string }[] } | undefined)?.fields ?? [])
        : []
    ) as { field: string; message: string }[];
    if (fields.length === 0) throw err;
    const rest = { ...query };
    for (const f of fields) {
      const typed = rest[f.field];
      problems.push({
        field: (FIELDS.has(f.field) ? f.field : 'other') as FilterProblem['field'],
        typed: typeof typed === 'string' ? typed : f.field,
        message: f.message,
      });
      delete rest[f.field];
    }
    return parseQuery(schema, rest);
  }
}

/** The reader's filter within their scope; a range the rules refuse becomes the default range, said so. */
export async function filterLeniently(
  ctx: AppContext,
  req: Request,
  principal: Principal,
  query: Parameters<typeof authorisedFilter>[3],
  problems: FilterProblem[],
): Promise<ReportFilter> {
  try {
    return await authorisedFilter(ctx, req, principal, query);
  } catch (err) {
    if (!(err instanceof HttpError) || err.status !== 400) throw err;
    problems.push({
      field: 'other',
      typed: [query.from, query.to].filter(Boolean).join(' – '),
      message: err.message,
    });
    const { from: _from, to: _to, ...rest } = query;
    return authorisedFilter(ctx, req, principal, rest);
  }
}
