/**
 * The columns of a closures file and the names they are recognised by: English (the events API's
 * names in snake_case), the Arabic an agency's export would use, and an agency's own mapping
 * (stored per agency, src/db/models/closure-import.ts). Names are compared folded: case, spaces,
 * underscores, dashes and dots, Arabic letter variants (أ إ آ ا, ة ه, ى ي), tatweel and diacritics do
 * not matter.
 */

export const IMPORT_FIELDS = [
  'ticket_ref',
  'closed_at',
  'agency',
  'department',
  'agent_id',
  'citizen_phone',
  'language',
  'event_id',
  'type',
] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

/** Columns a row cannot do without (agency may come from the upload instead, see resolveHeaders). */
export const REQUIRED_FIELDS: readonly ImportField[] = [
  'ticket_ref',
  'closed_at',
  'department',
  'agent_id',
  'citizen_phone',
];

/** Arabic names per column; docs/imports.md lists them. The first is the one the page shows. */
export const ARABIC_NAMES: Readonly<Record<ImportField, readonly string[]>> = {
  ticket_ref: ['رقم البلاغ', 'رقم التذكرة', 'رقم الطلب', 'مرجع البلاغ', 'رقم المرجع'],
  closed_at: ['تاريخ الإغلاق', 'وقت الإغلاق', 'تاريخ ووقت الإغلاق', 'تاريخ الحل', 'تاريخ إغلاق البلاغ'],
  agency: ['الجهة', 'الجهة الحكومية', 'رمز الجهة'],
  department: ['الإدارة', 'القسم', 'رمز الإدارة'],
  agent_id: ['رقم الموظف', 'الرقم الوظيفي', 'رمز الموظف', 'معرف الموظف'],
  citizen_phone: ['جوال المستفيد', 'رقم جوال المستفيد', 'هاتف المستفيد', 'رقم الجوال', 'جوال المواطن'],
  language: ['اللغة', 'لغة المستفيد'],
  event_id: ['رقم الحدث', 'معرف الحدث'],
  type: ['نوع الحدث', 'الحالة'],
};

/** English spellings beside the canonical one (camelCase folds to it already). */
const ENGLISH_NAMES: Readonly<Record<ImportField, readonly string[]>> = {
  ticket_ref: ['ticket', 'ticket_number', 'ticket_id', 'ref'],
  closed_at: ['closed', 'closed_on', 'closing_time', 'close_time'],
  agency: ['agency_code'],
  department: ['department_code', 'dept'],
  agent_id: ['agent', 'agent_code', 'employee_id'],
  citizen_phone: ['phone', 'mobile', 'citizen_mobile'],
  language: ['lang'],
  event_id: [],
  type: ['event_type'],
};

/** The form a header is compared in. */
export function foldHeader(name: string): string {
  return name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u064B-\u065F\u0670\u0640]/g, '') // diacritics and tatweel
    .replace(/[أإآٱ]/g, 'ا')
    .replace(/ة/g, 'ه')
    .replace(/ى/g, 'ي')
    .replace(/[\s\p{Z}_\-.\u200e\u200f\ufeff]/gu, '');
}

const KNOWN = new Map<string, ImportField>();
for (const field of IMPORT_FIELDS) {
  for (const name of [field, ...ENGLISH_NAMES[field], ...ARABIC_NAMES[field]])
    KNOWN.set(foldHeader(name), field);
}

/** An agency's own names: its header (as written) → our column. */
export type HeaderMapping = Readonly<Record<string, ImportField>>;

export interface ResolvedHeaders {
  /** Column index of each field found. */
  columns: Partial<Record<ImportField, number>>;
  /** The header as written for each field found, to name it in refusals. */
  names: Partial<Record<ImportField, string>>;
  problems: string[];
}

/**
 * Which column holds which field: the agency's mapping first (it may rename a column whose name
 * means something else by default), then the names known without set-up. A field named twice, or a
 * required one missing, is a problem with the whole file.
 */
export function resolveHeaders(
  header: readonly string[],
  mapping: HeaderMapping,
  opts: { agencyGiven: boolean },
): ResolvedHeaders {
  const own = new Map(Object.entries(mapping).map(([k, v]) => [foldHeader(k), v]));
  const columns: Partial<Record<ImportField, number>> = {};
  const names: Partial<Record<ImportField, string>> = {};
  const problems: string[] = [];
  header.forEach((raw, i) => {
    const folded = foldHeader(raw);
    if (folded === '') return;
    const field = own.get(folded) ?? KNOWN.get(folded);
    if (!field) return;
    if (columns[field] !== undefined) {
      problems.push(`columns "${names[field]}" and "${raw}" both hold ${field}`);
      return;
    }
    columns[field] = i;
    names[field] = raw;
  });
  const required = opts.agencyGiven ? REQUIRED_FIELDS : [...REQUIRED_FIELDS, 'agency' as const];
  for (const field of required) {
    if (columns[field] === undefined)
      problems.push(
        `no column for ${field} (named ${field} or ${ARABIC_NAMES[field][0]}, or mapped to it for this agency)`,
      );
  }
  return { columns, names, problems };
}

/** The event type a `type` cell names; empty is a closure. */
export function eventTypeOf(value: string): 'closed' | 'reopened' | undefined {
  const v = foldHeader(value);
  if (v === '' || v === 'closed' || v === 'close' || v === 'مغلق' || v === 'اغلاق' || v === 'مغلقه')
    return 'closed';
  if (v === 'reopened' || v === 'reopen' || v === 'اعيدفتحه' || v === 'اعادهفتح' || v === 'معادفتحه')
    return 'reopened';
  return undefined;
}
