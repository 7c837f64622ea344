import { randomBytes } from 'node:crypto';
import type { AppContext } from '../context.js';
import type { Language } from '../db/models/ticket.js';
import type { TicketView } from '../tickets/service.js';
import { ticketService } from '../tickets/worker.js';

/**
 * The sandbox page plays the ticket system: it closes a ticket through the same service the ticket
 * API uses (stored event, derived ticket, closure hooks scheduling the follow-up), applied at once
 * as with `Prefer: return=representation`. The page has no API token, and needs none: the sandbox
 * router exists only in sandbox mode.
 */
export interface SandboxTicketEvent {
  ref: string;
  type: 'opened' | 'closed' | 'reopened';
  citizenPhone: string;
  agency: string;
  department: string;
  agentId: string;
  language: Language;
}

export async function reportTicketEvent(
  ctx: AppContext,
  e: SandboxTicketEvent,
): Promise<TicketView | undefined> {
  const outcome = await ticketService(ctx).accept(
    {
      eventId: `sandbox-${e.ref}-${e.type}-${randomBytes(4).toString('hex')}`,
      ticketRef: e.ref,
      type: e.type,
      at: new Date(),
      agency: e.agency,
      department: e.department,
      agentId: e.agentId,
      citizenPhone: e.citizenPhone,
      language: e.language,
    },
    { applyNow: true },
  );
  return outcome.kind === 'accepted' || outcome.kind === 'replayed' ? outcome.result?.ticket : undefined;
}
