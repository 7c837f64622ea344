import { z } from 'zod';
import { CHANNELS, type Channel } from '../db/models/followup.js';
import { HttpError } from '../http/errors.js';
import { addDays, daysBetween, localToday, parseDay } from './periods.js';

/**
 * Query validation shared by the summary API, the exports and the dashboard. The app parses query
 * strings flat ("simple" parser) and every schema here is strict with string-only values, so
 * `agency[$ne]=x` is an unknown parameter and `agency=a&agency=b` is not a string: neither can
 * reach MongoDB as an operator.
 */

export const GROUP_BYS = ['agency', 'department', 'agent', 'day', 'week', 'month'] as const;
export type GroupBy = (typeof GROUP_BYS)[number];
export const LANGS = ['ar', 'en'] as const;
export type Lang = (typeof LANGS)[number];

/** Codes of agencies, departments and agents: letters (any script), digits, _ . - and inner spaces. */
const code = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(80, 'at most 80 characters')
  .regex(/^[\p{L}\p{N}][\p{L}\p{N}_.\- ]*$/u, 'letters, digits, _ . - and spaces only');

const day = z.string().refine((v) => parseDay(v) !== undefined, 'must be a date written YYYY-MM-DD');

export const filterShape = {
  from: day.optional(),
  to: day.optional(),
  agency: code.optional(),
  department: code.optional(),
  agent: code.optional(),
  channel: z.enum(CHANNELS, { error: `must be one of ${CHANNELS.join(', ')}` }).optional(),
};

export const summaryQuerySchema = z.strictObject({
  ...filterShape,
  groupBy: z.enum(GROUP_BYS, { error: `must be one of ${GROUP_BYS.join(', ')}` }).optional(),
});

export const langShape = { lang: z.enum(LANGS, { error: 'must be ar or en' }).optional() };
export const exportQuerySchema = z.strictObject({ ...filterShape, ...langShape });

export interface ReportFilter {
  /** Local days (time zone from config), inclusive. */
  from: string;
  to: string;
  agency?: string;
  department?: string;
  agent?: string;
  channel?: Channel;
}

export interface RangeRules {
  timeZone: string;
  maxRangeDays: number;
  /** Length of the default range ending today. */
  defaultDays?: number;
  now?: Date;
}

/** 400 naming every bad parameter: "agency[$ne]: unknown parameter; to: must be a date …". */
export function queryError(issues: { field: string; message: string }[]): HttpError {
  const summary = issues.map((i) => `${i.field}: ${i.message}`).join('; ');
  return new HttpError(400, 'invalid_query', `Invalid query parameter ${summary}`, { fields: issues });
}

export function parseQuery<S extends z.ZodType>(schema: S, query: unknown): z.infer<S> {
  const parsed = schema.safeParse(query ?? {});
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((k) => ({ field: k, message: 'unknown parameter' }))
      : [{ field: issue.path.map(String).join('.') || 'query', message: issue.message }],
  );
  throw queryError(issues);
}

/** Fills in the default range (the last 30 local days) and checks order and length. */
export function resolveFilter(
  q: z.infer<typeof exportQuerySchema> | z.infer<typeof summaryQuerySchema>,
  rules: RangeRules,
): ReportFilter {
  const today = localToday(rules.timeZone, rules.now);
  const span = rules.defaultDays ?? 30;
  const to = q.to ?? (q.from ? addDays(q.from, span - 1) : today);
  const from = q.from ?? addDays(to, -(span - 1));
  if (from > to) throw queryError([{ field: 'from', message: `${from} is after to (${to})` }]);
  const days = daysBetween(from, to);
  if (days > rules.maxRangeDays) {
    throw queryError([
      { field: 'to', message: `from..to spans ${days} days; at most ${rules.maxRangeDays} are allowed` },
    ]);
  }
  return {
    from,
    to,
    ...(q.agency !== undefined ? { agency: q.agency } : {}),
    ...(q.department !== undefined ? { department: q.department } : {}),
    ...(q.agent !== undefined ? { agent: q.agent } : {}),
    ...(q.channel !== undefined ? { channel: q.channel } : {}),
  };
}

/** The MongoDB filter for a report filter: plain string values only, by construction. */
export function scoreMatch(f: ReportFilter): Record<string, unknown> {
  return {
    day: { $gte: f.from, $lte: f.to },
    ...(f.agency !== undefined ? { agency: f.agency } : {}),
    ...(f.department !== undefined ? { department: f.department } : {}),
    ...(f.agent !== undefined ? { agentId: f.agent } : {}),
    ...(f.channel !== undefined ? { channel: f.channel } : {}),
  };
}

/** The filter as written to the audit log and echoed in responses. */
export function describeFilter(f: ReportFilter): Record<string, string> {
  return Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined));
}
