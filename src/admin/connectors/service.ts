import { z } from 'zod';
import { encryptSecret, generateWebhookSecret, newSecretId } from '../../auth/secrets.js';
import type { AppContext } from '../../context.js';
import { CONNECTOR_SYSTEMS, type ConnectorSystem } from '../../db/models/connector.js';
import { HttpError } from '../../http/errors.js';
import {
  mappingOverrideSchema,
  type Mapping,
  type MappingOverride,
} from '../../tickets/connectors/mapping.js';
import {
  isSystem,
  liveSecrets,
  receive,
  storedOverride,
  type ReceiveResult,
} from '../../tickets/connectors/receive.js';
import { SAMPLES } from '../../tickets/connectors/samples.js';
import { mappingFor, SYSTEMS } from '../../tickets/connectors/systems.js';
import { ticketService } from '../../tickets/worker.js';
import { assertManages, assertReads, assertWriter, fieldError } from '../access.js';
import { auditChange, parseBody, type Who } from '../change-audit.js';

/**
 * An agency's connectors: set up (a secret generated here and shown once, or the other system's own
 * signing secret pasted in), rotated with an overlap, mapped, tested, and the log of what arrived.
 * The same rules as the dispute webhook's secrets (src/admin/webhook/secrets.ts).
 */

const HOUR = 3_600_000;
const KEEP_SECRETS = 3;

export interface ConnectorView {
  system: ConnectorSystem;
  name: string;
  secretFromSystem: boolean;
  setUp: boolean;
  url: string;
  secrets: { id: string; createdAt: string; retiresAt: string | null }[];
  defaults: Mapping;
  override: MappingOverride;
  revision: number;
}

export interface ConnectorLogEntry {
  at: string;
  system: string;
  status: string | null;
  outcome: string;
  httpStatus: number;
  ticketRef: string | null;
  reason: string | null;
}

function systemOf(system: string): ConnectorSystem {
  if (!isSystem(system))
    throw fieldError(
      404,
      'not_found',
      'system',
      `no connector for ${system}: one of ${CONNECTOR_SYSTEMS.join(', ')}`,
    );
  return system;
}

async function readable(ctx: AppContext, who: Who, agency: string): Promise<void> {
  await assertReads(ctx, who.req, who.p, agency);
  if (!(await ctx.models.Agency.exists({ code: agency })))
    throw fieldError(404, 'not_found', 'agency', `no agency ${agency}`);
}

async function managed(ctx: AppContext, who: Who, agency: string): Promise<void> {
  assertWriter(who.p);
  await readable(ctx, who, agency);
  await assertManages(ctx, who.req, who.p, agency);
}

export function receiverUrl(ctx: AppContext, agency: string, system: ConnectorSystem): string {
  return `${ctx.config.publicBaseUrl}/api/connectors/${encodeURIComponent(agency)}/${system}`;
}

export async function listConnectors(ctx: AppContext, who: Who, agency: string): Promise<ConnectorView[]> {
  await readable(ctx, who, agency);
  const docs = await ctx.models.Connector.find({ agency }).lean();
  return CONNECTOR_SYSTEMS.map((system) => {
    const doc = docs.find((d) => d.system === system);
    return {
      system,
      name: SYSTEMS[system].name,
      secretFromSystem: SYSTEMS[system].secretFromSystem,
      setUp: doc !== undefined,
      url: receiverUrl(ctx, agency, system),
      secrets: (doc?.secrets ?? []).map((s) => ({
        id: s.id,
        createdAt: s.createdAt.toISOString(),
        retiresAt: s.retiresAt ? s.retiresAt.toISOString() : null,
      })),
      defaults: SYSTEMS[system].defaults,
      override: storedOverride(doc?.mapping),
      revision: doc?.revision ?? 0,
    };
  });
}

const pastedSchema = z
  .object({
    secret: z
      .string()
      .trim()
      .min(16, "the system's signing secret (at least 16 characters)")
      .max(256)
      .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces'),
  })
  .strict();

/** The new secret: the one pasted for a system that makes its own, else one generated here. */
function newSecret(system: ConnectorSystem, input: unknown): { secret: string; generated: boolean } {
  if (SYSTEMS[system].secretFromSystem)
    return { secret: parseBody(pastedSchema, input).secret, generated: false };
  return { secret: generateWebhookSecret(), generated: true };
}

/** Sets a system up for the agency; the secret is returned once when it was generated here. */
export async function setUpConnector(
  ctx: AppContext,
  who: Who,
  agency: string,
  systemName: string,
  input: unknown,
): Promise<{ secret?: string }> {
  const system = systemOf(systemName);
  await managed(ctx, who, agency);
  const { secret, generated } = newSecret(system, input);
  const id = newSecretId();
  const created = await ctx.models.Connector.updateOne(
    { agency, system },
    {
      $setOnInsert: {
        secrets: [
          { id, ciphertext: encryptSecret(ctx.config.admin.secretsKey, secret), createdAt: new Date() },
        ],
        mapping: {},
        revision: 0,
      },
    },
    { upsert: true },
  );
  if (created.upsertedCount === 0)
    throw fieldError(
      409,
      'conflict',
      'system',
      `${SYSTEMS[system].name} is already connected; change its secret instead`,
    );
  await auditChange(
    ctx,
    who,
    'connector.set_up',
    agency,
    `connector:${agency}/${system}`,
    undefined,
    undefined,
    {
      system,
      secretId: id,
      secretFrom: generated ? 'generated' : 'pasted',
    },
  );
  return generated ? { secret } : {};
}

/** A new secret first; the previous ones keep verifying for the overlap, so no delivery is lost. */
export async function rotateConnectorSecret(
  ctx: AppContext,
  who: Who,
  agency: string,
  systemName: string,
  input: unknown,
): Promise<{ secret?: string }> {
  const system = systemOf(systemName);
  await managed(ctx, who, agency);
  const doc = await ctx.models.Connector.findOne({ agency, system }).lean();
  if (!doc) throw fieldError(404, 'not_found', 'system', `${SYSTEMS[system].name} is not connected yet`);
  const { secret, generated } = newSecret(system, input);
  const now = new Date();
  const retireAt = new Date(now.getTime() + ctx.config.admin.webhookSecretOverlapHours * HOUR);
  const fresh = {
    id: newSecretId(),
    ciphertext: encryptSecret(ctx.config.admin.secretsKey, secret),
    createdAt: now,
  };
  const older = doc.secrets.map((s) => ({
    id: s.id,
    ciphertext: s.ciphertext,
    createdAt: s.createdAt,
    retiresAt: s.retiresAt && s.retiresAt < retireAt ? s.retiresAt : retireAt,
  }));
  const updated = await ctx.models.Connector.updateOne(
    { agency, system, revision: doc.revision },
    { $set: { secrets: [fresh, ...older].slice(0, KEEP_SECRETS) }, $inc: { revision: 1 } },
  );
  if (updated.modifiedCount === 0)
    throw fieldError(409, 'conflict', 'revision', 'the connector was changed meanwhile; try again');
  await auditChange(
    ctx,
    who,
    'connector.secret.rotate',
    agency,
    `connector:${agency}/${system}`,
    undefined,
    undefined,
    {
      system,
      newSecretId: fresh.id,
      previousSecretIds: older.map((s) => s.id),
      previousRetireAt: retireAt.toISOString(),
    },
  );
  return generated ? { secret } : {};
}

/** Stores the agency's overrides (only the fields that differ from the system's defaults). */
export async function saveMapping(
  ctx: AppContext,
  who: Who,
  agency: string,
  systemName: string,
  input: unknown,
  revision?: number,
): Promise<MappingOverride> {
  const system = systemOf(systemName);
  await managed(ctx, who, agency);
  const override = parseBody(mappingOverrideSchema, input);
  const defaults = SYSTEMS[system].defaults;
  const kept = Object.fromEntries(
    Object.entries(override).filter(
      ([k, v]) => JSON.stringify(v) !== JSON.stringify(defaults[k as keyof Mapping]),
    ),
  ) as MappingOverride;
  const doc = await ctx.models.Connector.findOne({ agency, system }).lean();
  if (!doc) throw fieldError(404, 'not_found', 'system', `${SYSTEMS[system].name} is not connected yet`);
  const updated = await ctx.models.Connector.updateOne(
    { agency, system, revision: revision ?? doc.revision },
    { $set: { mapping: kept }, $inc: { revision: 1 } },
  );
  if (updated.modifiedCount === 0)
    throw fieldError(409, 'conflict', 'revision', 'the mapping was changed meanwhile; reload the page');
  await auditChange(
    ctx,
    who,
    'connector.mapping',
    agency,
    `connector:${agency}/${system}`,
    doc.mapping ?? {},
    kept,
    {
      system,
    },
  );
  return kept;
}

/**
 * The system's sample, signed with the newest secret the way the system signs, through the
 * receiver's own checks and mapping, without storing an event (a test must not text a citizen).
 */
export async function sendTestEvent(
  ctx: AppContext,
  who: Who,
  agency: string,
  systemName: string,
): Promise<ReceiveResult> {
  const system = systemOf(systemName);
  await managed(ctx, who, agency);
  const doc = await ctx.models.Connector.findOne({ agency, system }).lean();
  if (!doc) throw fieldError(404, 'not_found', 'system', `${SYSTEMS[system].name} is not connected yet`);
  const now = new Date();
  const [secret] = liveSecrets(ctx.config.admin.secretsKey, doc.secrets, now);
  if (!secret)
    throw new HttpError(
      422,
      'no_secret',
      'No secret of this connector can be read (SECRETS_KEY changed?): change the secret',
    );
  const body = Buffer.from(JSON.stringify(SAMPLES[system]));
  const signed = SYSTEMS[system].sign(body, secret, now);
  const result = await receive(
    ctx,
    ticketService(ctx),
    agency,
    system,
    { ...signed, body },
    { dryRun: true, now },
  );
  await auditChange(
    ctx,
    who,
    'connector.test',
    agency,
    `connector:${agency}/${system}`,
    undefined,
    undefined,
    {
      system,
      status: result.status,
    },
  );
  return result;
}

export async function connectorLog(
  ctx: AppContext,
  who: Who,
  agency: string,
  limit = 50,
): Promise<ConnectorLogEntry[]> {
  await readable(ctx, who, agency);
  const docs = await ctx.models.ConnectorEvent.find({ agency }).sort({ at: -1, _id: -1 }).limit(limit).lean();
  return docs.map((d) => ({
    at: d.at.toISOString(),
    system: d.system,
    status: d.status ?? null,
    outcome: d.outcome,
    httpStatus: d.httpStatus,
    ticketRef: d.ticketRef ?? null,
    reason: d.reason ?? null,
  }));
}

/** The mapping form's fields (text, as typed) into the override the schema validates; empty = default. */
export function formToOverride(form: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of [
    'status',
    'ticketId',
    'ref',
    'updatedAt',
    'phone',
    'agent',
    'department',
    'language',
  ] as const) {
    if (form[k]?.trim()) out[k] = form[k].trim();
  }
  for (const k of ['closed', 'reopened'] as const) {
    const v = form[k];
    if (v !== undefined && v.trim() !== '')
      out[k] = v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
  }
  if (form.refPrefix !== undefined && form.refPrefix.trim() !== '') out.refPrefix = form.refPrefix.trim();
  if (form.zone === 'utc' || form.zone === 'local') out.zone = form.zone;
  return out;
}

export { mappingFor };
