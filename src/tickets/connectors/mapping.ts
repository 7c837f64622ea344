import { z } from 'zod';
import { LANGUAGES, type Language } from '../../i18n/languages.js';
import type { ConnectorSystem } from '../../db/models/connector.js';

/**
 * An agency's mapping of a ticket system's payload onto a ticket event: where the status, the
 * ticket's ids and time, the citizen's number, the agent, the department and the language are, and
 * which statuses mean closed and which reopened.
 *
 * A place is a path into the JSON payload: names joined by dots, `[0]` for an array element, and
 * `[key=Target]` for the element of an array whose `key` is `Target` (Dynamics sends its attributes
 * as such key/value lists). Several paths joined by ` | ` are tried in turn. A value starting with
 * `=` is a constant (`=licensing` names every event's department "licensing").
 */

export interface Mapping {
  status: string;
  closed: string[];
  reopened: string[];
  /** The system's own id of the ticket: with the update time, it makes the event id. */
  ticketId: string;
  /** The reference the agency knows the ticket by (prefixed with refPrefix). */
  ref: string;
  /** `{agency}` stands for the agency's code: ticket references are one namespace across agencies. */
  refPrefix: string;
  updatedAt: string;
  /** How a time without a zone is read: as UTC, or as local time in TIME_ZONE. */
  zone: 'utc' | 'local';
  phone: string;
  agent: string;
  department: string;
  language: string;
}

const place = z.string().trim().min(1, 'a path or =constant').max(400);
const statuses = z.array(z.string().trim().min(1).max(64)).max(20);

/** What an admin may change; every field is optional (the system's default stays). */
export const mappingOverrideSchema = z
  .object({
    status: place,
    closed: statuses.min(1, 'at least one status'),
    reopened: statuses,
    ticketId: place,
    ref: place,
    refPrefix: z
      .string()
      .trim()
      .regex(/^(?:[A-Za-z0-9._-]|\{agency\}){0,24}$/, 'up to 24 letters, digits, . _ - and {agency}'),
    updatedAt: place,
    zone: z.enum(['utc', 'local']),
    phone: place,
    agent: place,
    department: place,
    language: place,
  })
  .partial()
  .strict();
export type MappingOverride = z.infer<typeof mappingOverrideSchema>;

type Segment = { name: string } | { index: number } | { key: string; value: string };

const SEGMENT = /([^.[\]]+)|\[(\d+)\]|\[([^=\]]+)=([^\]]*)\]/g;

function parsePath(path: string): Segment[] {
  const out: Segment[] = [];
  for (const m of path.matchAll(SEGMENT)) {
    if (m[1] !== undefined) out.push({ name: m[1].trim() });
    else if (m[2] !== undefined) out.push({ index: Number(m[2]) });
    else out.push({ key: (m[3] ?? '').trim(), value: (m[4] ?? '').trim() });
  }
  return out;
}

/** The value at one path, or undefined. */
export function valueAtPath(payload: unknown, path: string): unknown {
  let v: unknown = payload;
  for (const s of parsePath(path)) {
    if (v === null || v === undefined) return undefined;
    if ('name' in s) {
      if (typeof v !== 'object' || Array.isArray(v)) return undefined;
      v = (v as Record<string, unknown>)[s.name];
    } else if ('index' in s) {
      if (!Array.isArray(v)) return undefined;
      v = v[s.index];
    } else {
      if (!Array.isArray(v)) return undefined;
      v = v.find(
        (e) =>
          e !== null && typeof e === 'object' && String((e as Record<string, unknown>)[s.key]) === s.value,
      );
    }
  }
  return v;
}

/** A scalar as text ('' for nothing, an object or an array). */
function text(v: unknown): string {
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return '';
}

/** The first of the ` | `-separated places that holds a value, or a constant. */
export function read(payload: unknown, where: string): string {
  if (where.startsWith('=')) return where.slice(1).trim();
  for (const path of where.split('|')) {
    const v = text(valueAtPath(payload, path.trim()));
    if (v !== '') return v;
  }
  return '';
}

/** Codes in verisat are letters, digits, . _ - (src/tickets/routes.ts): anything else becomes '-'. */
export function toCode(raw: string, max = 64): string {
  return raw
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, max)
    .replace(/-+$/, '');
}

const LANGUAGE_NAMES: Record<string, Language> = {
  arabic: 'ar',
  العربية: 'ar',
  عربي: 'ar',
  english: 'en',
  الإنجليزية: 'en',
};

/** 'ar', 'ar-SA', 'en_US', 'Arabic', 'English' → a ticket language; anything else → undefined. */
export function languageOf(raw: string): Language | undefined {
  const v = raw.trim().toLowerCase();
  if (!v) return undefined;
  const named = LANGUAGE_NAMES[v];
  if (named) return named;
  const code = v.split(/[-_]/)[0] ?? '';
  return (LANGUAGES as readonly string[]).includes(code) ? (code as Language) : undefined;
}

/** The UTC offset of `timeZone` at `at`, in minutes. */
function offsetMinutes(at: Date, timeZone: string): number {
  const name =
    new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
      .formatToParts(at)
      .find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{2}):?(\d{2})?/.exec(name);
  if (!m) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
}

/**
 * A time as the systems send it: ISO 8601 with a zone, Unix seconds or milliseconds, Microsoft's
 * `/Date(ms)/`, or `yyyy-mm-dd hh:mm[:ss]` without a zone (read as UTC or as local time).
 */
export function parseWhen(raw: string, zone: 'utc' | 'local', timeZone: string): Date | undefined {
  const v = raw.trim();
  const ms = /^\/Date\((-?\d+)(?:[+-]\d{4})?\)\/$/.exec(v);
  if (ms) return new Date(Number(ms[1]));
  if (/^\d{9,10}$/.test(v)) return new Date(Number(v) * 1000);
  if (/^\d{12,13}$/.test(v)) return new Date(Number(v));
  const local = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(v);
  if (local) {
    const [, y, mo, d, h, mi, s] = local;
    const asUtc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0));
    if (zone === 'utc') return new Date(asUtc);
    // The offset at the wall time read as UTC, then again at the result (right across a DST change).
    const first = asUtc - offsetMinutes(new Date(asUtc), timeZone) * 60_000;
    return new Date(asUtc - offsetMinutes(new Date(first), timeZone) * 60_000);
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(v)) {
    const d = new Date(v);
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  return undefined;
}

export type Mapped =
  | {
      kind: 'event';
      status: string;
      type: 'closed' | 'reopened';
      ticketRef: string;
      eventId: string;
      at: Date;
      department: string;
      agentId: string;
      /** As found in the payload; normalised by the caller (its path is `phonePath`). */
      phone: string;
      phonePath: string;
      language: Language;
    }
  | { kind: 'ignored'; status: string; reason: string }
  | { kind: 'refused'; status: string; field: string; path: string; reason: string };

const SHORT: Record<ConnectorSystem, string> = {
  zendesk: 'zd',
  servicenow: 'sn',
  dynamics: 'd365',
  glpi: 'glpi',
};

/**
 * Applies a mapping to a payload. An unmapped status is ignored (not every update is a closure); a
 * mapped one whose required fields are missing is refused, naming the path that was empty.
 */
export function applyMapping(
  system: ConnectorSystem,
  m: Mapping,
  payload: unknown,
  opts: { agency: string; timeZone: string; defaultLanguage: Language },
): Mapped {
  const status = read(payload, m.status);
  if (!status) return { kind: 'refused', status, field: 'status', path: m.status, reason: 'is empty' };
  const is = (list: string[]) => list.some((s) => s.toLowerCase() === status.toLowerCase());
  const type = is(m.closed) ? 'closed' : is(m.reopened) ? 'reopened' : undefined;
  if (!type)
    return {
      kind: 'ignored',
      status,
      reason: `status "${status}" is neither closed (${m.closed.join(', ')}) nor reopened (${m.reopened.join(', ') || 'none'})`,
    };
  const refused = (field: string, path: string, reason: string): Mapped => ({
    kind: 'refused',
    status,
    field,
    path,
    reason,
  });
  const ticketId = toCode(read(payload, m.ticketId), 64);
  if (!ticketId) return refused('ticketId', m.ticketId, 'holds no ticket id');
  const refValue = read(payload, m.ref) || read(payload, m.ticketId);
  const ticketRef = toCode(`${m.refPrefix.replaceAll('{agency}', opts.agency)}${refValue}`, 64);
  if (!refValue || !ticketRef) return refused('ref', m.ref, 'holds no ticket reference');
  const whenRaw = read(payload, m.updatedAt);
  if (!whenRaw) return refused('updatedAt', m.updatedAt, 'holds no update time');
  const at = parseWhen(whenRaw, m.zone, opts.timeZone);
  if (!at) return refused('updatedAt', m.updatedAt, 'is not a time verisat can read');
  const phone = read(payload, m.phone);
  if (!phone) return refused('phone', m.phone, "holds no citizen's number");
  const agentId = toCode(read(payload, m.agent));
  if (!agentId) return refused('agent', m.agent, 'holds no agent usable as a code (letters, digits, . _ -)');
  const department = toCode(read(payload, m.department));
  if (!department)
    return refused(
      'department',
      m.department,
      'holds no department usable as a code (letters, digits, . _ -)',
    );
  const language = languageOf(read(payload, m.language)) ?? opts.defaultLanguage;
  // The system's own ids and update time: the same delivery (a retry, a replay) makes the same event.
  const eventId = `${SHORT[system]}:${ticketId}:${at.getTime()}:${type}`;
  return {
    kind: 'event',
    status,
    type,
    ticketRef,
    eventId,
    at,
    department,
    agentId,
    phone,
    phonePath: m.phone,
    language,
  };
}
