import { z } from 'zod';
import type { Principal } from '../../auth/api-tokens.js';
import { writeAudit } from '../../auth/audit.js';
import { canReadReports, isScopedRole } from '../../auth/roles.js';
import type { AppContext } from '../../context.js';
import { isDuplicateKey } from '../../db/duplicate-key.js';
import { SUBSCRIPTION_KINDS, type SubscriptionKind } from '../../db/models/mail.js';
import { HttpError } from '../../http/errors.js';
import { mailAccountTexts } from '../../i18n/mail-account.js';
import { auditChange, type Who } from '../change-audit.js';

/**
 * What each person receives by mail (issue 28, item 4): their address and language, and their
 * subscriptions, each a kind and a scope they may see. The scope is checked here when saved and again
 * by recipientsFor when a mail is prepared, so a narrowed grant stops the mail at once.
 */

type Lang = 'ar' | 'en';

/** How long dispute alerts are gathered into one mail, in minutes; 15 unless the person chooses. */
export const GATHER_CHOICES = [0, 15, 60, 1440] as const;
export const DEFAULT_GATHER_MINUTES = 15;
/** Enough for every kind about a handful of departments and agents; more is a script, not a person. */
export const MAX_SUBSCRIPTIONS = 60;
/** Above this many agents in reach, the form asks for an agent's code instead of listing them all. */
export const AGENT_LIST_LIMIT = 300;

export interface SubscriptionScope {
  agency?: string;
  department?: string;
  agentId?: string;
}

export interface SubscriptionView extends SubscriptionScope {
  id: string;
  kind: SubscriptionKind;
  gatherMinutes?: number;
  /** The subscription in plain words, names not codes, in the reader's language. */
  words: string;
}

/** A refusal naming its field, in the reader's language (the page shows it beside the form). */
function refuse(status: number, code: string, field: string, message: string): HttpError {
  return new HttpError(status, code, `${field}: ${message}`, { fields: [{ field, message }] });
}

const localName = (
  n: { ar?: string | null; en?: string | null } | null | undefined,
  code: string,
  lang: Lang,
) => (lang === 'ar' ? n?.ar || n?.en : n?.en || n?.ar) || code;

/** Names of the agencies, departments and agents the given scopes mention, for plain words. */
export class ScopeNames {
  private constructor(
    private readonly agencies: Map<string, string>,
    private readonly departments: Map<string, string>,
    private readonly agents: Map<string, { name: string; agency: string; department: string }>,
    private readonly lang: Lang,
  ) {}

  static async load(ctx: AppContext, scopes: SubscriptionScope[], lang: Lang): Promise<ScopeNames> {
    const agentIds = [...new Set(scopes.flatMap((s) => (s.agentId ? [s.agentId] : [])))];
    const agentDocs = agentIds.length
      ? await ctx.models.Agent.find(
          { agentId: { $in: agentIds } },
          { agentId: 1, displayName: 1, agency: 1, department: 1 },
        ).lean()
      : [];
    const all = [...scopes, ...agentDocs.map((a) => ({ agency: a.agency, department: a.department }))];
    const agencyCodes = [...new Set(all.flatMap((s) => (s.agency ? [s.agency] : [])))];
    const deptKeys = all.flatMap((s) =>
      s.agency && s.department ? [{ agency: s.agency, code: s.department }] : [],
    );
    const [agencies, departments] = await Promise.all([
      agencyCodes.length
        ? ctx.models.Agency.find({ code: { $in: agencyCodes } }, { code: 1, name: 1 }).lean()
        : [],
      deptKeys.length
        ? ctx.models.Department.find({ $or: deptKeys }, { agency: 1, code: 1, name: 1 }).lean()
        : [],
    ]);
    return new ScopeNames(
      new Map(agencies.map((a) => [a.code, localName(a.name, a.code, lang)])),
      new Map(departments.map((d) => [`${d.agency}/${d.code}`, localName(d.name, d.code, lang)])),
      new Map(
        agentDocs.map((a) => [
          a.agentId,
          { name: a.displayName || a.agentId, agency: a.agency, department: a.department },
        ]),
      ),
      lang,
    );
  }

  agency(code: string): string {
    return this.agencies.get(code) ?? code;
  }

  department(agency: string, code: string): string {
    return this.departments.get(`${agency}/${code}`) ?? code;
  }

  /** "every agency", an agency, "department, agency" or "agent X (department, agency)". */
  scope(s: SubscriptionScope): string {
    const t = mailAccountTexts(this.lang);
    if (s.agentId) {
      const a = this.agents.get(s.agentId);
      const agency = a?.agency ?? s.agency;
      const where = agency
        ? a?.department
          ? t.departmentScope(this.department(agency, a.department), this.agency(agency))
          : this.agency(agency)
        : '';
      return t.agentScope(a?.name ?? s.agentId, where);
    }
    if (s.agency && s.department)
      return t.departmentScope(this.department(s.agency, s.department), this.agency(s.agency));
    if (s.agency) return t.agencyScope(this.agency(s.agency));
    return t.everything;
  }
}

type SubscriptionDoc = {
  _id: { toString(): string };
  kind: SubscriptionKind;
  agency?: string | null;
  department?: string | null;
  agentId?: string | null;
  gatherMinutes?: number | null;
};

function scopeOfDoc(s: SubscriptionDoc): SubscriptionScope {
  return {
    ...(s.agency ? { agency: s.agency } : {}),
    ...(s.department ? { department: s.department } : {}),
    ...(s.agentId ? { agentId: s.agentId } : {}),
  };
}

export function describeSubscription(s: SubscriptionDoc, names: ScopeNames, lang: Lang): string {
  const t = mailAccountTexts(lang);
  const gather =
    s.kind === 'dispute_alert' ? t.gatherWords(s.gatherMinutes ?? DEFAULT_GATHER_MINUTES) : undefined;
  return t.sentence(t.kind[s.kind], names.scope(scopeOfDoc(s)), gather);
}

const KIND_ORDER = new Map(SUBSCRIPTION_KINDS.map((k, i) => [k, i]));

/** Each subscription with its words, in the order of the kinds, then by its words. */
export function subscriptionViews(
  docs: SubscriptionDoc[],
  names: ScopeNames,
  lang: Lang,
): SubscriptionView[] {
  return docs
    .map((s) => ({
      id: s._id.toString(),
      kind: s.kind,
      ...scopeOfDoc(s),
      ...(s.kind === 'dispute_alert' ? { gatherMinutes: s.gatherMinutes ?? DEFAULT_GATHER_MINUTES } : {}),
      words: describeSubscription(s, names, lang),
    }))
    .sort(
      (a, b) =>
        (KIND_ORDER.get(a.kind) ?? 0) - (KIND_ORDER.get(b.kind) ?? 0) || a.words.localeCompare(b.words),
    );
}

// Address and language -----------------------------------------------------------------------------

export const mailSettingsSchema = z
  .object({
    /** Empty or null: no address, so no mail. */
    email: z.union([z.literal(''), z.null(), z.email().max(254)]),
    language: z.enum(['ar', 'en']),
  })
  .strict();

export function normaliseEmail(raw: string): string {
  return raw.trim();
}

/** Sets the signed-in person's own address and mail language. */
export async function setOwnMailSettings(ctx: AppContext, who: Who, input: unknown, lang: Lang) {
  const t = mailAccountTexts(lang);
  if (who.p.kind !== 'user') throw refuse(403, 'forbidden', 'email', t.noRole);
  const raw = input as { email?: unknown; language?: unknown };
  const parsed = mailSettingsSchema.safeParse({
    email: typeof raw?.email === 'string' ? normaliseEmail(raw.email) : raw?.email,
    language: raw?.language,
  });
  if (!parsed.success) {
    const field = parsed.error.issues[0]?.path[0] === 'language' ? 'language' : 'email';
    throw refuse(422, 'validation_failed', field, field === 'email' ? t.badAddress : 'ar | en');
  }
  const { email, language } = parsed.data;
  const before = await ctx.models.User.findById(who.p.id, {
    email: 1,
    language: 1,
    scope: 1,
    username: 1,
  }).lean();
  if (!before) throw refuse(404, 'not_found', 'email', 'no such user');
  await ctx.models.User.updateOne(
    { _id: before._id },
    {
      $set: { language, ...(email ? { email } : {}) },
      ...(email ? {} : { $unset: { email: 1 } }),
      $inc: { revision: 1 },
    },
  );
  await auditChange(
    ctx,
    who,
    'mail.settings',
    before.scope?.agency ?? undefined,
    `user:${before.username}`,
    { email: before.email ?? null, language: before.language ?? null },
    { email: email || null, language },
  );
  return { email: email || null, language };
}

// Subscribing ----------------------------------------------------------------------------------------

const kindList = z.preprocess(
  (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? (v as unknown[]) : [v]),
  z.array(z.enum(SUBSCRIPTION_KINDS)),
);

export const subscribeSchema = z
  .object({
    kinds: kindList,
    agency: z.string().max(64).optional(),
    department: z.string().max(64).optional(),
    agentId: z.string().max(128).optional(),
    gatherMinutes: z.coerce.number().int().optional(),
  })
  .strict();
export type SubscribeInput = z.infer<typeof subscribeSchema>;

/** The principal's own scope in words, for refusals. */
async function yoursInWords(ctx: AppContext, p: Principal, lang: Lang): Promise<string> {
  const scope = {
    ...(p.scope.agency ? { agency: p.scope.agency } : {}),
    ...(p.scope.department ? { department: p.scope.department } : {}),
  };
  return (await ScopeNames.load(ctx, [scope], lang)).scope(scope);
}

/**
 * The scope as stored, after checking it exists and lies inside what the principal may see. An agent
 * is stored with its agency (not its department), so a move between departments keeps the alerts.
 */
export async function checkedScope(
  ctx: AppContext,
  p: Principal,
  wanted: SubscriptionScope,
  lang: Lang,
): Promise<SubscriptionScope> {
  const t = mailAccountTexts(lang);
  if (!canReadReports(p.role)) throw refuse(403, 'forbidden', 'kinds', t.noRole);
  let { agency, department } = wanted;
  const agentId = wanted.agentId;
  if (agentId) {
    const agent = await ctx.models.Agent.findOne({ agentId }, { agency: 1, department: 1 }).lean();
    if (!agent) throw refuse(422, 'validation_failed', 'agentId', t.noSuchAgent(agentId));
    if ((agency && agent.agency !== agency) || (department && agent.department !== department))
      throw refuse(422, 'validation_failed', 'agentId', t.agentElsewhere(agentId));
    agency = agent.agency;
    department = agent.department;
  }
  if (department && !agency) throw refuse(422, 'validation_failed', 'agency', t.noSuchDepartment(department));
  if (agency && !(await ctx.models.Agency.exists({ code: agency })))
    throw refuse(422, 'validation_failed', 'agency', t.noSuchAgency(agency));
  if (department && !(await ctx.models.Department.exists({ agency, code: department })))
    throw refuse(422, 'validation_failed', 'department', t.noSuchDepartment(department));
  if (isScopedRole(p.role)) {
    const own = p.scope;
    const yours = await yoursInWords(ctx, p, lang);
    if (!own.agency) throw refuse(403, 'forbidden', 'agency', t.noRole);
    if (!agency) throw refuse(403, 'forbidden', 'agency', t.everythingRefused(yours));
    const names = await ScopeNames.load(
      ctx,
      [{ agency, ...(department ? { department } : {}), ...(agentId ? { agentId } : {}) }],
      lang,
    );
    const what = names.scope({
      agency,
      ...(department ? { department } : {}),
      ...(agentId ? { agentId } : {}),
    });
    if (agency !== own.agency) throw refuse(403, 'forbidden', 'agency', t.outsideScope(what, yours));
    if (own.department && department !== own.department)
      throw refuse(
        403,
        'forbidden',
        agentId ? 'agentId' : 'department',
        department ? t.outsideScope(what, yours) : t.everythingRefused(yours),
      );
  }
  if (agentId) return { ...(agency ? { agency } : {}), agentId };
  return { ...(agency ? { agency } : {}), ...(department ? { department } : {}) };
}

/** Equality on the fields a scope sets, absence on the others: the subscription's identity. */
function identity(userId: string, kind: SubscriptionKind, s: SubscriptionScope) {
  const f = (k: keyof SubscriptionScope) => (s[k] ? s[k] : { $exists: false });
  return { userId, kind, agency: f('agency'), department: f('department'), agentId: f('agentId') };
}

/**
 * Subscribes the signed-in person to each kind about one scope; the same kind and scope again
 * changes its gathering time only. Refused as a whole (nothing stored) when anything is wrong.
 */
export async function subscribe(
  ctx: AppContext,
  who: Who,
  input: unknown,
  lang: Lang,
): Promise<SubscriptionView[]> {
  const t = mailAccountTexts(lang);
  if (who.p.kind !== 'user') throw refuse(403, 'forbidden', 'kinds', t.noRole);
  const parsed = subscribeSchema.safeParse(input);
  if (!parsed.success) {
    const field = String(parsed.error.issues[0]?.path[0] ?? 'kinds');
    throw refuse(
      422,
      'validation_failed',
      field,
      field === 'gatherMinutes' ? t.badGather : field === 'kinds' ? t.chooseKind : `${field}?`,
    );
  }
  const data = parsed.data;
  const kinds = [...new Set(data.kinds)];
  if (kinds.length === 0) throw refuse(422, 'validation_failed', 'kinds', t.chooseKind);
  const gather = data.gatherMinutes ?? DEFAULT_GATHER_MINUTES;
  if (!(GATHER_CHOICES as readonly number[]).includes(gather))
    throw refuse(422, 'validation_failed', 'gatherMinutes', t.badGather);
  const scope = await checkedScope(
    ctx,
    who.p,
    {
      ...(data.agency ? { agency: data.agency } : {}),
      ...(data.department ? { department: data.department } : {}),
      ...(data.agentId ? { agentId: data.agentId } : {}),
    },
    lang,
  );
  const userId = who.p.id;
  const count = await ctx.models.Subscription.countDocuments({ userId });
  if (count + kinds.length > MAX_SUBSCRIPTIONS) throw refuse(422, 'too_many', 'kinds', t.tooMany(count));
  const saved: SubscriptionDoc[] = [];
  for (const kind of kinds) {
    const set = kind === 'dispute_alert' ? { gatherMinutes: gather } : {};
    const upsert = () =>
      ctx.models.Subscription.findOneAndUpdate(
        identity(userId, kind, scope),
        { $set: set, $setOnInsert: { userId, kind, ...scope } },
        { upsert: true, returnDocument: 'after' },
      ).lean();
    // Two submissions at once both try to insert; the loser finds the winner's document.
    const doc = await upsert().catch((err: unknown) => {
      if (isDuplicateKey(err)) return upsert();
      throw err;
    });
    if (!doc) throw new Error(`subscription ${kind} not stored`);
    saved.push(doc);
  }
  const names = await ScopeNames.load(ctx, [scope], lang);
  const views = subscriptionViews(saved, names, lang);
  for (const v of views)
    await auditChange(ctx, who, 'mail.subscribe', scope.agency, `subscription:${v.id}`, null, {
      kind: v.kind,
      ...scope,
      ...(v.gatherMinutes !== undefined ? { gatherMinutes: v.gatherMinutes } : {}),
    });
  return views;
}

/** Ends one of the signed-in person's own subscriptions. */
export async function unsubscribeOwn(ctx: AppContext, who: Who, id: string, lang: Lang): Promise<void> {
  const t = mailAccountTexts(lang);
  if (!/^[0-9a-f]{24}$/.test(id)) throw refuse(404, 'not_found', 'subscription', t.noSuchSubscription);
  const gone = await ctx.models.Subscription.findOneAndDelete({ _id: id, userId: who.p.id }).lean();
  if (!gone) throw refuse(404, 'not_found', 'subscription', t.noSuchSubscription);
  await auditChange(
    ctx,
    who,
    'mail.unsubscribe',
    gone.agency ?? undefined,
    `subscription:${id}`,
    {
      kind: gone.kind,
      ...scopeOfDoc(gone),
    },
    null,
  );
}

/** The person's subscriptions with their words. */
export async function ownSubscriptions(
  ctx: AppContext,
  userId: string,
  lang: Lang,
): Promise<SubscriptionView[]> {
  const docs = await ctx.models.Subscription.find({ userId })
    .limit(MAX_SUBSCRIPTIONS * 2)
    .lean();
  const names = await ScopeNames.load(ctx, docs.map(scopeOfDoc), lang);
  return subscriptionViews(docs, names, lang);
}

/** Replaces the person's subscriptions with the given list (the API's PUT), checked as a whole first. */
export async function replaceSubscriptions(
  ctx: AppContext,
  who: Who,
  items: {
    kind: SubscriptionKind;
    agency?: string;
    department?: string;
    agentId?: string;
    gatherMinutes?: number;
  }[],
  lang: Lang,
): Promise<SubscriptionView[]> {
  const t = mailAccountTexts(lang);
  if (who.p.kind !== 'user') throw refuse(403, 'forbidden', 'kinds', t.noRole);
  if (items.length > MAX_SUBSCRIPTIONS)
    throw refuse(422, 'too_many', 'subscriptions', t.tooMany(MAX_SUBSCRIPTIONS));
  const wanted: { kind: SubscriptionKind; scope: SubscriptionScope; gatherMinutes?: number }[] = [];
  for (const [i, item] of items.entries()) {
    const gather = item.gatherMinutes ?? DEFAULT_GATHER_MINUTES;
    if (item.kind === 'dispute_alert' && !(GATHER_CHOICES as readonly number[]).includes(gather))
      throw refuse(422, 'validation_failed', `subscriptions.${i}.gatherMinutes`, t.badGather);
    const scope = await checkedScope(ctx, who.p, item, lang);
    wanted.push({
      kind: item.kind,
      scope,
      ...(item.kind === 'dispute_alert' ? { gatherMinutes: gather } : {}),
    });
  }
  const key = (kind: string, s: SubscriptionScope) =>
    `${kind}|${s.agency ?? ''}|${s.department ?? ''}|${s.agentId ?? ''}`;
  const keep = new Set(wanted.map((w) => key(w.kind, w.scope)));
  const existing = await ctx.models.Subscription.find({ userId: who.p.id }).lean();
  for (const s of existing)
    if (!keep.has(key(s.kind, scopeOfDoc(s)))) await unsubscribeOwn(ctx, who, s._id.toString(), lang);
  for (const w of wanted)
    await subscribe(
      ctx,
      who,
      {
        kinds: [w.kind],
        ...w.scope,
        ...(w.gatherMinutes !== undefined ? { gatherMinutes: w.gatherMinutes } : {}),
      },
      lang,
    );
  return ownSubscriptions(ctx, who.p.id, lang);
}

// What the form offers ----------------------------------------------------------------------------------

export interface ScopeChoices {
  /** Whether "every agency" may be chosen (admins and auditors). */
  everything: boolean;
  agencies: { code: string; name: string }[];
  departments: { agency: string; code: string; name: string }[];
  /** Agents in reach, by name; undefined when there are too many to list (the form asks for a code). */
  agents?: { agentId: string; name: string; where: string }[];
}

/** The agencies, departments and agents the principal may subscribe to, by name. */
export async function scopeChoices(ctx: AppContext, p: Principal, lang: Lang): Promise<ScopeChoices> {
  if (!canReadReports(p.role)) return { everything: false, agencies: [], departments: [], agents: [] };
  const scoped = isScopedRole(p.role);
  if (scoped && !p.scope.agency) return { everything: false, agencies: [], departments: [], agents: [] };
  const agencyFilter = scoped ? { code: p.scope.agency } : {};
  const deptFilter = scoped
    ? { agency: p.scope.agency, ...(p.scope.department ? { code: p.scope.department } : {}) }
    : {};
  const agentFilter = scoped
    ? { agency: p.scope.agency, ...(p.scope.department ? { department: p.scope.department } : {}) }
    : {};
  const [agencies, departments, agentCount] = await Promise.all([
    ctx.models.Agency.find(agencyFilter, { code: 1, name: 1 }).sort({ code: 1 }).limit(1000).lean(),
    ctx.models.Department.find(deptFilter, { agency: 1, code: 1, name: 1 })
      .sort({ agency: 1, code: 1 })
      .limit(3000)
      .lean(),
    ctx.models.Agent.countDocuments(agentFilter),
  ]);
  const agencyName = new Map(agencies.map((a) => [a.code, localName(a.name, a.code, lang)]));
  const deptName = new Map(
    departments.map((d) => [`${d.agency}/${d.code}`, localName(d.name, d.code, lang)]),
  );
  const t = mailAccountTexts(lang);
  const agents =
    agentCount <= AGENT_LIST_LIMIT
      ? (
          await ctx.models.Agent.find(agentFilter, { agentId: 1, displayName: 1, agency: 1, department: 1 })
            .sort({ agency: 1, department: 1, displayName: 1 })
            .limit(AGENT_LIST_LIMIT)
            .lean()
        ).map((a) => ({
          agentId: a.agentId,
          name: a.displayName || a.agentId,
          where: t.departmentScope(
            deptName.get(`${a.agency}/${a.department}`) ?? a.department,
            agencyName.get(a.agency) ?? a.agency,
          ),
        }))
      : undefined;
  return {
    everything: !scoped,
    // A department manager may not choose its whole agency: only its department is offered.
    agencies: p.scope.department
      ? []
      : agencies.map((a) => ({ code: a.code, name: agencyName.get(a.code) ?? a.code })),
    departments: departments.map((d) => ({
      agency: d.agency,
      code: d.code,
      name: t.departmentScope(
        deptName.get(`${d.agency}/${d.code}`) ?? d.code,
        agencyName.get(d.agency) ?? d.agency,
      ),
    })),
    ...(agents ? { agents } : {}),
  };
}

// The one-click link ---------------------------------------------------------------------------------

/** The subscription a verified link names, with its words, or undefined once it is gone. */
export async function subscriptionOfLink(
  ctx: AppContext,
  subscriptionId: string,
  lang?: Lang,
): Promise<{ view: SubscriptionView; lang: Lang } | undefined> {
  const doc = await ctx.models.Subscription.findById(subscriptionId).lean();
  if (!doc) return undefined;
  const owner = await ctx.models.User.findById(doc.userId, { language: 1 }).lean();
  const l: Lang = lang ?? (owner?.language === 'en' ? 'en' : 'ar');
  const names = await ScopeNames.load(ctx, [scopeOfDoc(doc)], l);
  const [view] = subscriptionViews([doc], names, l);
  return view ? { view, lang: l } : undefined;
}

/**
 * Ends the subscription a verified link names: one delete by id, so a second click (or the mail
 * client's RFC 8058 post and then the person's) finds nothing and changes nothing. The owner is the
 * actor: the link is their credential, as a password link is.
 */
export async function unsubscribeByLink(
  ctx: AppContext,
  subscriptionId: string,
  ip: string | undefined,
): Promise<'removed' | 'gone'> {
  const gone = await ctx.models.Subscription.findOneAndDelete({ _id: subscriptionId }).lean();
  if (!gone) return 'gone';
  await writeAudit(ctx, {
    actor: `user:${gone.userId}`,
    action: 'admin.mail.unsubscribe',
    ...(gone.agency ? { agency: gone.agency } : {}),
    target: `subscription:${subscriptionId}`,
    before: { kind: gone.kind, ...scopeOfDoc(gone) },
    after: null,
    detail: { via: 'one-click unsubscribe link' },
    ...(ip ? { ip } : {}),
  });
  return 'removed';
}

// Who receives what ------------------------------------------------------------------------------------

export const MAILS_PER_PAGE = 50;

/**
 * Every person with an address or a subscription and what each receives, then the mails recorded,
 * newest first. An agency admin sees its agency's people and the mails sent to them only.
 */
export async function mailOverview(ctx: AppContext, who: Who, lang: Lang, page: number) {
  const p = who.p;
  const agencyOnly = p.role === 'agency_admin' ? (p.scope.agency ?? '\u0000none') : undefined;
  const subscribers = agencyOnly ? undefined : await ctx.models.Subscription.distinct('userId');
  const users = await ctx.models.User.find(
    agencyOnly
      ? { 'scope.agency': agencyOnly }
      : { $or: [{ email: { $exists: true } }, { _id: { $in: subscribers ?? [] } }] },
    { username: 1, role: 1, scope: 1, email: 1, language: 1, disabledAt: 1 },
  )
    .sort({ username: 1 })
    .limit(2000)
    .lean();
  const ids = users.map((u) => String(u._id));
  const subs = await ctx.models.Subscription.find({ userId: { $in: ids } }).lean();
  const names = await ScopeNames.load(
    ctx,
    [
      ...subs.map(scopeOfDoc),
      ...users.map((u) => ({
        ...(u.scope?.agency ? { agency: u.scope.agency } : {}),
        ...(u.scope?.department ? { department: u.scope.department } : {}),
      })),
    ],
    lang,
  );
  const byUser = new Map<string, SubscriptionDoc[]>();
  for (const s of subs) byUser.set(s.userId, [...(byUser.get(s.userId) ?? []), s]);
  const receivers = users
    .filter((u) => agencyOnly === undefined || u.email || byUser.has(String(u._id)))
    .map((u) => ({
      username: u.username,
      role: u.role,
      scope: names.scope({
        ...(u.scope?.agency ? { agency: u.scope.agency } : {}),
        ...(u.scope?.department ? { department: u.scope.department } : {}),
      }),
      email: u.email ?? null,
      language: u.language === 'en' ? ('en' as const) : ('ar' as const),
      disabled: !!u.disabledAt,
      subscriptions: subscriptionViews(byUser.get(String(u._id)) ?? [], names, lang).map((v) => v.words),
    }));
  // Mails to its own people only: one about its agency sent to a national admin names that admin's address.
  const mailFilter = agencyOnly ? { userId: { $in: ids } } : {};
  const safePage = Number.isInteger(page) && page >= 0 && page < 10_000 ? page : 0;
  const [total, mails] = await Promise.all([
    ctx.models.Mail.countDocuments(mailFilter),
    ctx.models.Mail.find(mailFilter, {
      to: 1,
      kind: 1,
      subject: 1,
      createdAt: 1,
      state: 1,
      attempts: 1,
      lastResult: 1,
    })
      .sort({ createdAt: -1 })
      .skip(safePage * MAILS_PER_PAGE)
      .limit(MAILS_PER_PAGE)
      .lean(),
  ]);
  return {
    receivers,
    mails: mails.map((m) => ({
      to: m.to,
      kind: m.kind,
      subject: m.subject,
      createdAt: m.createdAt ? new Date(m.createdAt).toISOString() : null,
      state: m.state,
      attempts: m.attempts ?? 0,
      lastResult: m.lastResult ?? null,
    })),
    total,
    page: safePage,
    pageSize: MAILS_PER_PAGE,
  };
}
