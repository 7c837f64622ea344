import type { ConnectorSystem } from '../../db/models/connector.js';
import type { Mapping, MappingOverride } from './mapping.js';
import {
  freshTimestamp,
  glpiSignature,
  sameValue,
  zendeskSignature,
  ZENDESK_TOLERANCE_MS,
} from './signatures.js';

/**
 * What each ticket system sends and how it proves it sent it; the set-up steps at each end are in
 * docs/connectors.md, and a payload per system, written from its documentation, is in
 * test/fixtures/connectors/.
 */

export interface Delivery {
  headers: Record<string, string | undefined>;
  query: Record<string, string | undefined>;
  body: Buffer;
}

export type Verdict = { ok: true } | { ok: false; reason: string };

export interface SystemSpec {
  name: string;
  /** Whether the secret comes from the other system (pasted here) rather than generated here. */
  secretFromSystem: boolean;
  defaults: Mapping;
  /** Checks the request against each secret that still verifies. */
  verify(d: Delivery, secrets: string[], now: Date): Verdict;
  /** Headers and query that the system would send with `body`, signed with `secret` (the test event). */
  sign(body: Buffer, secret: string, now: Date): Pick<Delivery, 'headers' | 'query'>;
}

/** The header a shared secret arrives in (ServiceNow's business rule; Dynamics' HttpHeader option). */
export const SECRET_HEADER = 'x-verisat-secret';

function anyMatches(given: string, secrets: string[]): boolean {
  // Every secret is compared (no early exit), so the time taken does not say which one matched.
  let found = false;
  for (const s of secrets) if (sameValue(given, s)) found = true;
  return found;
}

const dynamicsAttr = (image: string, name: string) =>
  `PostEntityImages[key=${image}].value.Attributes[key=${name}].value`;
const dynamicsTarget = (name: string) => `InputParameters[key=Target].value.Attributes[key=${name}].value`;

export const SYSTEMS: Record<ConnectorSystem, SystemSpec> = {
  zendesk: {
    name: 'Zendesk',
    secretFromSystem: true,
    defaults: {
      status: 'ticket.status',
      closed: ['solved', 'closed'],
      reopened: ['open', 'pending', 'hold'],
      ticketId: 'ticket.id',
      ref: 'ticket.id',
      refPrefix: '{agency}-ZD-',
      updatedAt: 'ticket.updated_at',
      zone: 'utc',
      phone: 'ticket.requester_phone',
      agent: 'ticket.assignee_id',
      department: 'ticket.group_id',
      language: 'ticket.requester_language',
    },
    verify(d, secrets, now) {
      const signature = d.headers['x-zendesk-webhook-signature'];
      const timestamp = d.headers['x-zendesk-webhook-signature-timestamp'];
      if (!signature || !timestamp)
        return {
          ok: false,
          reason: 'X-Zendesk-Webhook-Signature and X-Zendesk-Webhook-Signature-Timestamp are required',
        };
      if (!freshTimestamp(timestamp, now))
        return {
          ok: false,
          reason: `X-Zendesk-Webhook-Signature-Timestamp is more than ${ZENDESK_TOLERANCE_MS / 60_000} minutes from now`,
        };
      const expected = secrets.map((s) => zendeskSignature(s, timestamp, d.body));
      return anyMatches(signature, expected)
        ? { ok: true }
        : { ok: false, reason: 'X-Zendesk-Webhook-Signature does not match the signing secret' };
    },
    sign(body, secret, now) {
      const timestamp = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
      return {
        headers: {
          'x-zendesk-webhook-signature': zendeskSignature(secret, timestamp, body),
          'x-zendesk-webhook-signature-timestamp': timestamp,
          'x-zendesk-webhook-id': '01TESTWEBHOOK',
        },
        query: {},
      };
    },
  },
  servicenow: {
    name: 'ServiceNow',
    secretFromSystem: false,
    defaults: {
      status: 'state',
      // Incident states: 1 New, 2 In Progress, 3 On Hold, 6 Resolved, 7 Closed, 8 Canceled.
      closed: ['6', '7'],
      reopened: ['1', '2', '3'],
      ticketId: 'sys_id',
      ref: 'number',
      refPrefix: '{agency}-',
      updatedAt: 'sys_updated_on',
      // GlideRecord.getValue('sys_updated_on') is UTC.
      zone: 'utc',
      phone: 'caller_phone',
      agent: 'assigned_to',
      department: 'assignment_group',
      language: 'caller_language',
    },
    verify(d, secrets) {
      const given = d.headers[SECRET_HEADER];
      if (!given) return { ok: false, reason: 'the X-Verisat-Secret header is required' };
      return anyMatches(given, secrets)
        ? { ok: true }
        : { ok: false, reason: 'X-Verisat-Secret is not this connector’s secret' };
    },
    sign(_body, secret) {
      return { headers: { [SECRET_HEADER]: secret }, query: {} };
    },
  },
  dynamics: {
    name: 'Microsoft Dynamics 365 Customer Service',
    secretFromSystem: false,
    defaults: {
      // statecode: 0 Active, 1 Resolved, 2 Cancelled (the Target holds it when it changed).
      status: `${dynamicsTarget('statecode')}.Value | ${dynamicsAttr('PostImage', 'statecode')}.Value`,
      closed: ['1'],
      reopened: ['0'],
      ticketId: 'PrimaryEntityId',
      ref: `${dynamicsAttr('PostImage', 'ticketnumber')} | ${dynamicsTarget('ticketnumber')}`,
      refPrefix: '{agency}-',
      updatedAt: `${dynamicsAttr('PostImage', 'modifiedon')} | OperationCreatedOn`,
      zone: 'utc',
      phone: `${dynamicsAttr('PostImage', 'new_citizenphone')} | ${dynamicsTarget('new_citizenphone')}`,
      agent: `${dynamicsAttr('PostImage', 'ownerid')}.Id`,
      department: `${dynamicsAttr('PostImage', 'owningbusinessunit')}.Id`,
      language: `${dynamicsAttr('PostImage', 'new_language')}`,
    },
    verify(d, secrets) {
      // WebhookKey arrives as ?code=; the HttpHeader option as the header named in the set-up.
      const given = d.query.code ?? d.headers[SECRET_HEADER];
      if (!given) return { ok: false, reason: 'the code query parameter (WebhookKey) is required' };
      return anyMatches(given, secrets)
        ? { ok: true }
        : { ok: false, reason: 'the WebhookKey is not this connector’s secret' };
    },
    sign(_body, secret) {
      return { headers: {}, query: { code: secret } };
    },
  },
  glpi: {
    name: 'GLPI',
    secretFromSystem: false,
    defaults: {
      status: 'item.status.id',
      // 1 New, 2 Processing (assigned), 3 Processing (planned), 4 Pending, 5 Solved, 6 Closed.
      closed: ['5', '6'],
      reopened: ['1', '2', '3'],
      ticketId: 'item.id',
      ref: 'item.id',
      refPrefix: '{agency}-GLPI-',
      updatedAt: 'item.date_mod',
      // GLPI writes its server's local time without a zone.
      zone: 'local',
      phone: 'item.requester_phone',
      agent: 'item.team[role=assigned].name',
      department: 'item.entity.id',
      language: 'item.requester_language',
    },
    verify(d, secrets) {
      const signature = d.headers['x-glpi-signature'];
      const timestamp = d.headers['x-glpi-timestamp'];
      if (!signature || !timestamp)
        return { ok: false, reason: 'X-GLPI-signature and X-GLPI-timestamp are required' };
      // No freshness window: GLPI signs when the event is raised and its queue may retry hours later.
      // A replay makes the same event id, so it changes nothing.
      const expected = secrets.map((s) => glpiSignature(s, timestamp, d.body));
      return anyMatches(signature.toLowerCase(), expected)
        ? { ok: true }
        : { ok: false, reason: 'X-GLPI-signature does not match the webhook secret' };
    },
    sign(body, secret, now) {
      const timestamp = String(Math.floor(now.getTime() / 1000));
      return {
        headers: {
          'x-glpi-signature': glpiSignature(secret, timestamp, body),
          'x-glpi-timestamp': timestamp,
        },
        query: {},
      };
    },
  },
};

/** The system's defaults with the agency's overrides. */
export function mappingFor(system: ConnectorSystem, override: MappingOverride | undefined): Mapping {
  const d = SYSTEMS[system].defaults;
  const o = override ?? {};
  return {
    status: o.status ?? d.status,
    closed: o.closed ?? d.closed,
    reopened: o.reopened ?? d.reopened,
    ticketId: o.ticketId ?? d.ticketId,
    ref: o.ref ?? d.ref,
    refPrefix: o.refPrefix ?? d.refPrefix,
    updatedAt: o.updatedAt ?? d.updatedAt,
    zone: o.zone ?? d.zone,
    phone: o.phone ?? d.phone,
    agent: o.agent ?? d.agent,
    department: o.department ?? d.department,
    language: o.language ?? d.language,
  };
}
