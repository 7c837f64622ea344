import type { AppContext } from '../../context.js';
import { CONNECTOR_SYSTEMS, type ConnectorOutcome, type ConnectorSystem } from '../../db/models/connector.js';
import { decryptSecret } from '../../auth/secrets.js';
import { maskPhone } from '../../phone-mask.js';
import { normalisePhone } from '../phone.js';
import type { TicketService } from '../service.js';
import { applyMapping, mappingOverrideSchema, type MappingOverride } from './mapping.js';
import { mappingFor, SYSTEMS, type Delivery } from './systems.js';

/**
 * One delivery from a ticket system, taken as far as it goes: the connector of the agency and
 * system, the signature or secret, the payload read through the agency's mapping, then the same
 * ticket service as POST /api/tickets/:ref/events. What arrived is logged for the agency (no number,
 * no secret, no payload); a refusal names what is wrong.
 */

export interface ReceiveResult {
  status: number;
  body: Record<string, unknown>;
}

export function isSystem(s: string): s is ConnectorSystem {
  return (CONNECTOR_SYSTEMS as readonly string[]).includes(s);
}

/** The secrets that still verify (the newest, and a rotated one until it retires), decrypted. */
export function liveSecrets(
  key: Buffer,
  secrets: readonly { ciphertext: string; retiresAt?: Date | null | undefined }[],
  now: Date,
): string[] {
  return secrets
    .filter((s) => !s.retiresAt || s.retiresAt > now)
    .map((s) => decryptSecret(key, s.ciphertext))
    .filter((s): s is string => s !== undefined);
}

/** The stored mapping override, dropping what no longer validates (an older version's field). */
export function storedOverride(raw: unknown): MappingOverride {
  const parsed = mappingOverrideSchema.safeParse(raw ?? {});
  return parsed.success ? parsed.data : {};
}

export async function receive(
  ctx: AppContext,
  service: TicketService,
  agency: string,
  system: string,
  delivery: Delivery,
  opts: { dryRun?: boolean; now?: Date } = {},
): Promise<ReceiveResult> {
  const now = opts.now ?? new Date();
  if (!isSystem(system))
    return refusal(
      404,
      'unknown_system',
      `No connector for system ${system}: one of ${CONNECTOR_SYSTEMS.join(', ')}`,
    );
  const connector = await ctx.models.Connector.findOne({ agency, system }).lean();
  if (!connector)
    return refusal(
      404,
      'connector_not_found',
      `Agency ${agency} has no ${SYSTEMS[system].name} connector set up`,
    );

  const log = async (
    outcome: ConnectorOutcome,
    httpStatus: number,
    fields: { status?: string; type?: string; ticketRef?: string; eventId?: string; reason?: string } = {},
  ) => {
    await ctx.models.ConnectorEvent.create({ agency, system, at: now, outcome, httpStatus, ...fields });
    ctx.log.info({ agency, system, outcome, httpStatus, ...fields }, 'connector delivery');
  };

  const secrets = liveSecrets(ctx.config.admin.secretsKey, connector.secrets, now);
  const verdict = SYSTEMS[system].verify(delivery, secrets, now);
  if (!verdict.ok) {
    await log('unauthorised', 401, { reason: verdict.reason });
    return refusal(401, 'bad_signature', verdict.reason);
  }

  let payload: unknown;
  try {
    payload = JSON.parse(delivery.body.toString('utf8'));
  } catch {
    const reason = 'the body is not JSON';
    await log('refused', 400, { reason });
    return refusal(400, 'invalid_json', reason);
  }

  const agencyDoc = await ctx.models.Agency.findOne({ code: agency }, { defaultLanguage: 1 }).lean();
  const mapping = mappingFor(system, storedOverride(connector.mapping));
  const mapped = applyMapping(system, mapping, payload, {
    agency,
    timeZone: ctx.config.timeZone,
    defaultLanguage: agencyDoc?.defaultLanguage ?? 'ar',
  });
  if (mapped.kind === 'ignored') {
    await log('ignored', 202, { status: mapped.status, reason: mapped.reason });
    return { status: 202, body: { status: 'ignored', reason: mapped.reason } };
  }
  if (mapped.kind === 'refused') {
    const reason = `${mapped.field} (${mapped.path}) ${mapped.reason}`;
    await log('refused', 422, { status: mapped.status, reason });
    return refusal(422, 'mapping_failed', reason, { field: mapped.field, path: mapped.path });
  }

  const phone = normalisePhone(mapped.phone, ctx.config.phoneDefaultRegion);
  if (!phone.ok) {
    const reason = `phone (${mapped.phonePath}) ${phone.reason}`;
    await log('refused', 422, { status: mapped.status, ticketRef: mapped.ticketRef, reason });
    return refusal(422, 'mapping_failed', reason, { field: 'phone', path: mapped.phonePath });
  }

  const owner = await service.ownerOf(mapped.ticketRef);
  const base = {
    status: mapped.status,
    type: mapped.type,
    ticketRef: mapped.ticketRef,
    eventId: mapped.eventId,
  };
  if (owner && owner.agency !== agency) {
    const reason = `ticket ${mapped.ticketRef} belongs to another agency: give this connector a ref prefix of its own`;
    await log('refused', 409, { ...base, reason });
    return refusal(409, 'ticket_owner_mismatch', reason);
  }
  if (!owner && mapped.type === 'reopened') {
    const reason = `ticket ${mapped.ticketRef} was never closed here: a reopen of it changes nothing`;
    await log('ignored', 202, { ...base, reason });
    return { status: 202, body: { status: 'ignored', reason } };
  }
  // A ticket stays with the department its first closure named: a ticket system moves tickets
  // between groups, and an event naming another department would be refused as another owner's.
  const department = owner?.department ?? mapped.department;
  const event = {
    ticketRef: mapped.ticketRef,
    eventId: mapped.eventId,
    type: mapped.type,
    at: mapped.at,
    agency,
    department,
    agentId: mapped.agentId,
    citizenPhone: phone.e164,
    language: mapped.language,
  };
  const view = {
    ...event,
    at: event.at.toISOString(),
    citizenPhone: maskPhone(event.citizenPhone),
  };

  if (opts.dryRun) {
    await log('test', 200, base);
    return { status: 200, body: { status: 'test', event: view } };
  }

  const outcome = await service.accept(event);
  if (outcome.kind === 'not_owner') {
    const reason = `ticket ${mapped.ticketRef} belongs to agency ${outcome.owner.agency}, department ${outcome.owner.department}`;
    await log('refused', 409, { ...base, reason });
    return refusal(409, 'ticket_owner_mismatch', reason);
  }
  if (outcome.kind === 'conflict') {
    await log('refused', 409, { ...base, reason: outcome.message });
    return refusal(409, 'event_id_conflict', outcome.message);
  }
  const replayed = outcome.kind === 'replayed' || outcome.replayed;
  await log(replayed ? 'replayed' : 'accepted', replayed ? 200 : 202, base);
  return { status: replayed ? 200 : 202, body: { status: replayed ? 'replayed' : 'accepted', event: view } };
}

function refusal(
  status: number,
  error: string,
  message: string,
  extra: Record<string, unknown> = {},
): ReceiveResult {
  return { status, body: { error, message, ...extra } };
}
