import type { Principal } from '../auth/api-tokens.js';
import type { AppContext } from '../context.js';
import { isDuplicateKey } from '../db/duplicate-key.js';
import { HttpError } from '../http/errors.js';
import { normalisePhone } from '../tickets/phone.js';
import { agencyLimit, assertManages, assertReads, assertWriter, fieldError } from './access.js';
import {
  agencyPatchSchema,
  agentPatchSchema,
  departmentPatchSchema,
  newAgencySchema,
  newAgentSchema,
  newDepartmentSchema,
  type AgencyPatch,
} from './schemas.js';
import { auditChange as audit, parseBody as parse, type Who } from './change-audit.js';
import { rotateSecret } from './webhook/secrets.js';
import { webhookUrlProblem } from '../followup/outcome/webhook-url.js';

/**
 * Agencies, departments and agents. Each change is one conditional single-document write: a create
 * relies on the unique index of the code (two admins creating one code: one wins, the other gets
 * 409), an update names the revision it was made from (a concurrent edit gets 409 instead of being
 * overwritten). Every change is audited with the record before and after.
 */

/** What an agency looks like to the API and pages: never a secret, only the ids of current ones. */
export function agencyView(a: AgencyDoc) {
  const now = new Date();
  return {
    code: a.code,
    name: { ar: a.name?.ar ?? '', en: a.name?.en ?? '' },
    publicName: { ar: a.publicName?.ar ?? '', en: a.publicName?.en ?? '' },
    channels: a.channels ?? ['sms'],
    sender: { sms: a.sender?.sms ?? null, whatsapp: a.sender?.whatsapp ?? null },
    channelWaitHours: a.channelWaitHours ?? null,
    defaultLanguage: a.defaultLanguage ?? 'ar',
    whatsappTemplates: { ar: a.whatsappTemplates?.ar ?? null, en: a.whatsappTemplates?.en ?? null },
    followUpDelayHours: a.followUpDelayHours ?? null,
    followUpMaxAgeHours: a.followUpMaxAgeHours ?? null,
    sendWindow: a.sendWindow ?? null,
    disputeActDays: a.disputeActDays ?? null,
    sendDays: a.sendDays ?? null,
    reasons: a.reasons ?? null,
    disputeWebhookUrl: a.disputeWebhookUrl ?? null,
    answerWebhookUrl: a.answerWebhookUrl ?? null,
    webhookSecrets: (a.webhookSecrets ?? []).map((s) => ({
      id: s.id,
      createdAt: s.createdAt.toISOString(),
      retiresAt: s.retiresAt?.toISOString() ?? null,
      signing: !s.retiresAt || s.retiresAt > now,
    })),
    legacySecret: (a.webhookSecrets ?? []).length === 0 && !!a.disputeWebhookSecret,
    revision: a.revision ?? 0,
  };
}
export type AgencyView = ReturnType<typeof agencyView>;

type AgencyDoc = NonNullable<Awaited<ReturnType<AppContext['models']['Agency']['findOne']>>> & {
  code: string;
};

async function checkWebhookUrls(
  ctx: AppContext,
  data: { disputeWebhookUrl?: string | undefined; answerWebhookUrl?: string | undefined },
): Promise<void> {
  for (const field of ['disputeWebhookUrl', 'answerWebhookUrl'] as const) {
    const url = data[field];
    if (url === undefined || url === '') continue;
    const problem = await webhookUrlProblem(url, { strict: ctx.config.admin.strictWebhookUrls });
    if (problem) throw fieldError(422, 'validation_failed', field, problem);
  }
}

/** The stored shape of a validated patch (a window object becomes the "HH:MM-HH:MM" the config uses). */
function storedFields(input: Omit<AgencyPatch, 'revision'>): {
  set: Record<string, unknown>;
  unset: string[];
} {
  const set: Record<string, unknown> = {};
  const unset: string[] = [];
  for (const [k, v] of Object.entries(input)) {
    if (v === undefined) continue;
    if (k === 'sendWindow')
      set.sendWindow = `${(v as { start: string }).start}-${(v as { end: string }).end}`;
    else if ((k === 'disputeWebhookUrl' || k === 'answerWebhookUrl') && v === '') unset.push(k);
    else set[k] = v;
  }
  return { set, unset };
}

export async function listAgencies(ctx: AppContext, p: Principal): Promise<AgencyView[]> {
  const limit = agencyLimit(p);
  const docs = await ctx.models.Agency.find(limit !== undefined ? { code: limit } : {})
    .sort({ code: 1 })
    .limit(1000)
    .lean();
  return docs.map((d) => agencyView(d as AgencyDoc));
}

export async function getAgency(ctx: AppContext, who: Who, code: string): Promise<AgencyView> {
  await assertReads(ctx, who.req, who.p, code);
  const doc = await ctx.models.Agency.findOne({ code }).lean();
  if (!doc) throw fieldError(404, 'not_found', 'agency', `no agency ${code}`);
  return agencyView(doc as AgencyDoc);
}

/**
 * Creates an agency. Only an admin creates agencies (an agency admin manages the one it was given).
 * With a webhook URL, its first secret is generated and returned here, the only time it is shown.
 */
export async function createAgency(
  ctx: AppContext,
  who: Who,
  input: unknown,
): Promise<{ agency: AgencyView; webhookSecret?: string }> {
  if (who.p.role !== 'admin')
    throw fieldError(
      403,
      'forbidden',
      'agency',
      'only an admin creates agencies; agency admins manage their own',
    );
  const data = parse(newAgencySchema, input);
  await checkWebhookUrls(ctx, data);
  const { code, ...rest } = data;
  const { set } = storedFields(rest);
  try {
    await ctx.models.Agency.create({ code, ...set, revision: 0 });
  } catch (err) {
    if (isDuplicateKey(err)) throw fieldError(409, 'duplicate', 'code', `an agency with code ${code} exists`);
    throw err;
  }
  await ctx.models.UnknownCode.deleteOne({ kind: 'agency', agency: code, code: '' });
  let webhookSecret: string | undefined;
  if (data.disputeWebhookUrl || data.answerWebhookUrl)
    webhookSecret = (await rotateSecret(ctx, who, code, { overlapHours: 0 })).secret;
  const doc = await ctx.models.Agency.findOne({ code }).lean();
  if (!doc) throw new HttpError(500, 'internal_error', 'agency vanished after its creation');
  const view = agencyView(doc as AgencyDoc);
  await audit(ctx, who, 'agency.create', code, `agency:${code}`, null, view);
  return { agency: view, ...(webhookSecret ? { webhookSecret } : {}) };
}

export async function updateAgency(
  ctx: AppContext,
  who: Who,
  code: string,
  input: unknown,
): Promise<{ agency: AgencyView; webhookSecret?: string }> {
  assertWriter(who.p);
  await assertReads(ctx, who.req, who.p, code);
  await assertManages(ctx, who.req, who.p, code);
  const { revision, ...data } = parse(agencyPatchSchema, input);
  await checkWebhookUrls(ctx, data);
  const before = await ctx.models.Agency.findOne({ code }).lean();
  if (!before) throw fieldError(404, 'not_found', 'agency', `no agency ${code}`);
  const from = revision ?? before.revision ?? 0;
  const { set, unset } = storedFields(data);
  const after = await ctx.models.Agency.findOneAndUpdate(
    { code, revision: from },
    {
      $set: set,
      $inc: { revision: 1 },
      ...(unset.length ? { $unset: Object.fromEntries(unset.map((k) => [k, 1])) } : {}),
    },
    { returnDocument: 'after' },
  ).lean();
  if (!after)
    throw fieldError(
      409,
      'conflict',
      'revision',
      'the agency was changed meanwhile; reload it and apply your change again',
    );
  let webhookSecret: string | undefined;
  // A webhook without a secret would post unsigned: its first secret comes with its first URL.
  if (
    (after.disputeWebhookUrl || after.answerWebhookUrl) &&
    (after.webhookSecrets ?? []).length === 0 &&
    !after.disputeWebhookSecret
  )
    webhookSecret = (await rotateSecret(ctx, who, code, { overlapHours: 0 })).secret;
  const view = agencyView(
    ((webhookSecret ? await ctx.models.Agency.findOne({ code }).lean() : after) ?? after) as AgencyDoc,
  );
  await audit(ctx, who, 'agency.update', code, `agency:${code}`, agencyView(before as AgencyDoc), view);
  return { agency: view, ...(webhookSecret ? { webhookSecret } : {}) };
}

// Departments and agents ------------------------------------------------------------------------

export function departmentView(d: {
  agency: string;
  code: string;
  name?: { ar?: string | null; en?: string | null } | null;
  revision?: number | null;
}) {
  return {
    agency: d.agency,
    code: d.code,
    name: { ar: d.name?.ar ?? '', en: d.name?.en ?? '' },
    revision: d.revision ?? 0,
  };
}

export function agentView(a: {
  agentId: string;
  agency: string;
  department: string;
  displayName?: string | null;
  dialTarget?: string | null;
  staffPhones?: string[] | null;
  revision?: number | null;
}) {
  return {
    agentId: a.agentId,
    agency: a.agency,
    department: a.department,
    displayName: a.displayName ?? '',
    dialTarget: a.dialTarget ?? null,
    staffPhones: a.staffPhones ?? [],
    revision: a.revision ?? 0,
  };
}

export async function listDepartments(ctx: AppContext, who: Who, agency: string) {
  await getAgency(ctx, who, agency);
  const docs = await ctx.models.Department.find({ agency }).sort({ code: 1 }).limit(5000).lean();
  return docs.map(departmentView);
}

/** Staff numbers are personal data: in clear for those who manage them, masked for anyone else. */
export function seesStaffNumbers(p: Pick<Principal, 'role'>): boolean {
  return p.role === 'admin' || p.role === 'agency_admin';
}

/** How a staff number reads for a role that may not see it: the same in the list and the CSV. */
export function maskStaffNumber(n: string): string {
  return `${n.slice(0, 4)}${'•'.repeat(Math.max(0, n.length - 6))}${n.slice(-2)}`;
}

export async function listAgents(ctx: AppContext, who: Who, agency: string) {
  await getAgency(ctx, who, agency);
  const docs = await ctx.models.Agent.find({ agency })
    .sort({ department: 1, agentId: 1 })
    .limit(20000)
    .lean();
  const views = docs.map(agentView);
  if (seesStaffNumbers(who.p)) return views;
  return views.map((a) => ({ ...a, staffPhones: a.staffPhones.map(maskStaffNumber) }));
}

async function managedAgency(ctx: AppContext, who: Who, agency: string): Promise<void> {
  assertWriter(who.p);
  await assertReads(ctx, who.req, who.p, agency);
  await assertManages(ctx, who.req, who.p, agency);
  if (!(await ctx.models.Agency.exists({ code: agency })))
    throw fieldError(404, 'not_found', 'agency', `no agency ${agency}`);
}

export async function createDepartment(ctx: AppContext, who: Who, agency: string, input: unknown) {
  await managedAgency(ctx, who, agency);
  const data = parse(newDepartmentSchema, input);
  try {
    await ctx.models.Department.create({ agency, code: data.code, name: data.name, revision: 0 });
  } catch (err) {
    if (isDuplicateKey(err))
      throw fieldError(409, 'duplicate', 'code', `department ${data.code} exists in agency ${agency}`);
    throw err;
  }
  await ctx.models.UnknownCode.deleteOne({ kind: 'department', agency, code: data.code });
  const view = departmentView({ agency, ...data, revision: 0 });
  await audit(ctx, who, 'department.create', agency, `department:${agency}/${data.code}`, null, view);
  return view;
}

export async function updateDepartment(
  ctx: AppContext,
  who: Who,
  agency: string,
  code: string,
  input: unknown,
) {
  await managedAgency(ctx, who, agency);
  const { revision, ...data } = parse(departmentPatchSchema, input);
  const before = await ctx.models.Department.findOne({ agency, code }).lean();
  if (!before) throw fieldError(404, 'not_found', 'department', `no department ${code} in ${agency}`);
  const after = await ctx.models.Department.findOneAndUpdate(
    { agency, code, revision: revision ?? before.revision ?? 0 },
    { $set: data, $inc: { revision: 1 } },
    { returnDocument: 'after' },
  ).lean();
  if (!after)
    throw fieldError(409, 'conflict', 'revision', 'the department was changed meanwhile; reload it');
  const view = departmentView(after);
  await audit(
    ctx,
    who,
    'department.update',
    agency,
    `department:${agency}/${code}`,
    departmentView(before),
    view,
  );
  return view;
}

/** Staff numbers in E.164, or a 422 naming the field and the number's position. */
export function normaliseStaffPhones(
  ctx: AppContext,
  phones: string[] | undefined,
  field = 'staffPhones',
): string[] {
  const out: string[] = [];
  (phones ?? []).forEach((raw, i) => {
    const r = normalisePhone(raw, ctx.config.phoneDefaultRegion);
    if (!r.ok) throw fieldError(422, 'validation_failed', `${field}.${i}`, `number ${i + 1} ${r.reason}`);
    if (!out.includes(r.e164)) out.push(r.e164);
  });
  return out;
}

async function assertDepartment(ctx: AppContext, agency: string, department: string): Promise<void> {
  if (!(await ctx.models.Department.exists({ agency, code: department })))
    throw fieldError(
      422,
      'validation_failed',
      'department',
      `no department ${department} in agency ${agency}`,
    );
}

export async function createAgent(ctx: AppContext, who: Who, agency: string, input: unknown) {
  await managedAgency(ctx, who, agency);
  const data = parse(newAgentSchema, input);
  await assertDepartment(ctx, agency, data.department);
  const staffPhones = normaliseStaffPhones(ctx, data.staffPhones);
  const doc = { ...data, agency, staffPhones, revision: 0 };
  try {
    await ctx.models.Agent.create(doc);
  } catch (err) {
    // Agent ids are unique across agencies (the IVR names an agent by id alone).
    if (isDuplicateKey(err)) throw fieldError(409, 'duplicate', 'agentId', `agent ${data.agentId} exists`);
    throw err;
  }
  const view = agentView(doc);
  await audit(ctx, who, 'agent.create', agency, `agent:${data.agentId}`, null, maskAgent(view));
  return view;
}

export async function updateAgent(
  ctx: AppContext,
  who: Who,
  agency: string,
  agentId: string,
  input: unknown,
) {
  await managedAgency(ctx, who, agency);
  const { revision, ...data } = parse(agentPatchSchema, input);
  if (data.department !== undefined) await assertDepartment(ctx, agency, data.department);
  const before = await ctx.models.Agent.findOne({ agentId, agency }).lean();
  if (!before) throw fieldError(404, 'not_found', 'agentId', `no agent ${agentId} in ${agency}`);
  const set: Record<string, unknown> = { ...data };
  if (data.staffPhones !== undefined) set.staffPhones = normaliseStaffPhones(ctx, data.staffPhones);
  const after = await ctx.models.Agent.findOneAndUpdate(
    { agentId, agency, revision: revision ?? before.revision ?? 0 },
    { $set: set, $inc: { revision: 1 } },
    { returnDocument: 'after' },
  ).lean();
  if (!after) throw fieldError(409, 'conflict', 'revision', 'the agent was changed meanwhile; reload it');
  const view = agentView(after);
  await audit(
    ctx,
    who,
    'agent.update',
    agency,
    `agent:${agentId}`,
    maskAgent(agentView(before)),
    maskAgent(view),
  );
  return view;
}

/** Staff numbers are personal data: the audit log records how many, never which. */
export function maskAgent(a: ReturnType<typeof agentView>) {
  return { ...a, staffPhones: a.staffPhones.map((n) => `${n.slice(0, 4)}…${n.slice(-2)}`) };
}
