import { randomBytes } from 'node:crypto';
import { createApiToken } from '../../auth/api-tokens.js';
import type { Config } from '../../config/index.js';
import type { Models } from '../../db/models/index.js';
import type { QueueRegistry } from '../../queue/registry.js';
import type { TwilioClient } from '../../twilio/client.js';
import { CallDriver, type CallView } from '../call-driver.js';
import { SandboxInbox } from '../inbox.js';
import { runDueWork } from '../time-travel.js';
import { startDisputeReceiver } from './receiver.js';

/**
 * The scripted demo: everything a citizen, an agent and a ticket system do, played through the same
 * signed webhooks and API a deployment receives, against a running system. Each step waits for the
 * records it must produce and says so; `failures` lists every expectation that was not met.
 */

export interface DemoSystem {
  /** Where requests are sent (the web process). */
  webUrl: string;
  config: Config;
  models: Models;
  queues: QueueRegistry;
  /** The SDK pointed at the stand-in, to read what it "sent". */
  twilio: TwilioClient;
}

export interface ScenarioResult {
  runId: string;
  tickets: string[];
  failures: string[];
}

type Say = (line: string) => void;

const AGENCY = 'DEMO-MOMAH';
const DEPARTMENT = 'roads';
const AGENT = 'demo-agent-1';

class Expectations {
  readonly failures: string[] = [];
  constructor(private readonly say: Say) {}
  check(ok: boolean, what: string): void {
    this.say(`  ${ok ? '✓' : '✗'} ${what}`);
    if (!ok) this.failures.push(what);
  }
}

/** Polls until `check` gives a value: the demo waits for state, never for a fixed time. */
async function until<T>(
  check: () => Promise<T | undefined>,
  _what: string,
  timeoutMs = 20_000,
): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  return undefined;
}

export async function runScenario(sys: DemoSystem, say: Say): Promise<ScenarioResult> {
  const runId = randomBytes(3).toString('hex').toUpperCase();
  const expect = new Expectations(say);
  const { publicBaseUrl } = sys.config;
  const { accountSid, authToken, from } = sys.config.twilio;
  const driver = new CallDriver({
    publicBaseUrl,
    deliverTo: sys.webUrl,
    accountSid,
    authToken,
    serviceNumber: from,
  });
  const inbox = new SandboxInbox({
    publicBaseUrl,
    deliverTo: sys.webUrl,
    accountSid,
    authToken,
    serviceNumber: from,
    sentTo: () => [],
  });

  const secret = randomBytes(24).toString('hex');
  const receiver = await startDisputeReceiver(secret);
  try {
    // The agency, as its administrator would set it up: a name and where disputes go.
    await sys.models.Agency.updateOne(
      { code: AGENCY },
      {
        $set: {
          name: { ar: 'أمانة تجريبية', en: 'Demo Municipality' },
          disputeWebhookUrl: receiver.url,
          disputeWebhookSecret: secret,
        },
      },
      { upsert: true },
    );
    const { token } = await createApiToken(sys.models, { name: `demo ${runId}`, role: 'ticket_system' });
    const tickets = [`DEMO-${runId}-1`, `DEMO-${runId}-2`, `DEMO-${runId}-3`];
    const citizens = ['+966500000101', '+966500000102', '+966500000103'];

    // The stand-in's dates have whole seconds, so messages are told apart by sid, not ordered by date.
    const seen = new Set<string>();
    const nextMessage = (phone: string) =>
      until(async () => {
        const list = await sys.twilio.messages.list({ to: phone, limit: 50 });
        const fresh = list.find((m) => !seen.has(m.sid));
        if (fresh) seen.add(fresh.sid);
        return fresh;
      }, 'a new message');
    const close = async (ref: string, phone: string, language: 'ar' | 'en', callSid?: string) => {
      const res = await fetch(`${sys.webUrl}/api/tickets/${ref}/events`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          prefer: 'return=representation',
        },
        body: JSON.stringify({
          eventId: `${ref}-closed`,
          type: 'closed',
          at: new Date().toISOString(),
          agency: AGENCY,
          department: DEPARTMENT,
          agentId: AGENT,
          citizenPhone: phone,
          language,
          ...(callSid ? { callSid } : {}),
        }),
      });
      expect.check(res.status === 201, `ticket ${ref} closed through the API (${res.status})`);
    };
    const due = async (ref: string) => {
      const report = await until(
        async () => {
          const r = await runDueWork(sys, ref);
          return r.promoted.length > 0 ? r : undefined;
        },
        'a delayed send',
        10_000,
      );
      expect.check(report !== undefined, `time travel: the follow-up of ${ref} made due now`);
      if (report?.windowOpensAt)
        expect.check(false, `the send window is closed until ${report.windowOpensAt} (run with --own)`);
    };
    const reply = async (phone: string, text: string, pattern: RegExp, what: string) => {
      await inbox.reply(phone, text);
      const answer = await nextMessage(phone);
      expect.check(pattern.test(answer?.body ?? ''), `${what}: "${answer?.body ?? '(nothing)'}"`);
    };

    // 1. Citizen one calls, talks to the agent, and rates the call 5.
    say(`\n1. ${citizens[0]} calls about ${tickets[0]}, talks to the agent, rates 5`);
    let call: CallView | undefined;
    try {
      call = await driver.start({
        from: citizens[0] as string,
        query: { agent: AGENT, ticket: tickets[0] as string },
      });
      call = await driver.press(call.sid, '1');
      call = await driver.agent(call.sid, 'answer');
      call = await driver.agent(call.sid, 'hang-up');
      call = await driver.press(call.sid, '5');
      call = await driver.press(call.sid, '1');
      call = await driver.press(call.sid, '2');
    } catch (err) {
      const refused = call?.transcript.find(
        (e) => e.kind === 'webhook' && e.status !== 200 && e.status !== 204,
      );
      say(
        `  the call stopped: ${err instanceof Error ? err.message : String(err)}${refused && refused.kind === 'webhook' ? ` (${refused.path} answered ${refused.status}; a 403 means PUBLIC_BASE_URL differs from the system's)` : ''}`,
      );
    }
    expect.check(call?.status === 'completed', 'the call ended after the thanks');
    const callSid = call?.sid ?? '';
    const rating = await until(async () => {
      const r = await sys.models.PostCallRating.findOne({ callSid }).lean();
      return r?.status === 'complete' ? r : undefined;
    }, 'the post-call rating');
    expect.check(rating?.agentRating === 5, 'post-call rating 5 stored, complete');

    // 2. The ticket is closed; three days later (time travel) the citizen is asked and disputes.
    say(`\n2. ${tickets[0]} is closed; time travel sends the follow-up; the citizen says "not solved"`);
    await close(tickets[0] as string, citizens[0] as string, 'ar', callSid);
    await due(tickets[0] as string);
    const first = await nextMessage(citizens[0] as string);
    expect.check(
      /هل حلت مشكلة طلبك/.test(first?.body ?? ''),
      'the follow-up SMS arrived in Arabic with the answer link',
    );
    await reply(citizens[0] as string, '٢', /قيم الخدمة/, 'reply "٢" (not solved) → asked for a rating');
    await reply(citizens[0] as string, '1', /ما السبب/, 'reply "1" → asked why');
    await reply(citizens[0] as string, 'لم يتواصل معي أحد', /لم تحل/, 'reply with the reason → thanked');
    const disputed = await until(async () => {
      const s = await sys.models.VerifiedScore.findOne({ ticketRef: tickets[0] }).lean();
      return s?.outcome === 'disputed' && s.reason ? s : undefined;
    }, 'the disputed score');
    expect.check(
      disputed?.reason === 'no_contact' && disputed.rating === 1,
      'verified score: disputed, rating 1, reason no_contact',
    );
    expect.check(disputed?.postCallRating === 5, 'the score carries the post-call rating 5 (a brush-off)');
    const hook = await until(
      () => Promise.resolve(receiver.received.find((r) => r.body.ticketRef === tickets[0])),
      'the dispute webhook',
    );
    expect.check(hook?.signatureValid === true, 'the dispute webhook reached the ticket system, signed');

    // 3. Citizen two confirms, in English.
    say(`\n3. ${citizens[1]} (English) confirms ${tickets[1]} was solved`);
    await close(tickets[1] as string, citizens[1] as string, 'en');
    await due(tickets[1] as string);
    const second = await nextMessage(citizens[1] as string);
    expect.check(/was the problem/.test(second?.body ?? ''), 'the follow-up SMS arrived in English');
    await reply(citizens[1] as string, 'yes', /Rate the service/, 'reply "yes" → asked for a rating');
    await reply(citizens[1] as string, '5', /Thank you/, 'reply "5" → thanked');
    const confirmed = await until(async () => {
      const s = await sys.models.VerifiedScore.findOne({ ticketRef: tickets[1] }).lean();
      return s?.outcome === 'confirmed_solved' ? s : undefined;
    }, 'the confirmed score');
    expect.check(confirmed?.rating === 5, 'verified score: confirmed solved, rating 5');

    // 4. Citizen three opts out in Arabic.
    say(`\n4. ${citizens[2]} opts out in Arabic ("إيقاف")`);
    await close(tickets[2] as string, citizens[2] as string, 'ar');
    await due(tickets[2] as string);
    await nextMessage(citizens[2] as string);
    await reply(citizens[2] as string, 'إيقاف', /تم إيقاف/, 'reply "إيقاف" → opt-out confirmed');
    const optOut = await until(async () => {
      const o = await sys.models.OptOut.findOne({ phone: citizens[2] }).lean();
      return o?.optedOut ? o : undefined;
    }, 'the opt-out');
    expect.check(optOut !== undefined, 'the number is opted out of every follow-up');
    const optedScore = await until(async () => {
      const s = await sys.models.VerifiedScore.findOne({ ticketRef: tickets[2] }).lean();
      return s?.outcome === 'opted_out' ? s : undefined;
    }, 'the opted-out score');
    expect.check(optedScore !== undefined, 'verified score: opted out');

    return { runId, tickets, failures: expect.failures };
  } finally {
    await receiver.close();
  }
}
