import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INBOUND_QUEUE, inboundJobId } from '../../src/followup/conversation/inbound.js';
import { FAST_FOLLOWUP_ENV, postInbound, ticketEvent, waitForMessages } from '../support/followup.js';
import { logSink } from '../support/log-sink.js';
import { eventually, startTestSystem, type TestSystem } from '../support/system.js';

// Issue 23, item 2: a signed inbound message from a number in another digit script put the number
// into the log. Every line is read as a person would read it: any digit script counts.
const { lines, sink } = logSink();
let sys: TestSystem;

beforeAll(async () => {
  sys = await startTestSystem({
    workers: true,
    env: { ...FAST_FOLLOWUP_ENV, LOG_LEVEL: 'debug' },
    logDestination: sink,
  });
});
afterAll(async () => {
  await sys?.stop();
});

/** The log as digits a reader sees: every script folded to 0-9, separators dropped, words kept apart. */
function digitsOf(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFKC')) {
    const cp = ch.codePointAt(0) ?? 0;
    if (/[\s\p{Pd}\p{Cf}.()/+\u2212]/u.test(ch)) continue;
    if (!/\p{Nd}/u.test(ch)) {
      out += '|';
      continue;
    }
    let zero = cp;
    while (/\p{Nd}/u.test(String.fromCodePoint(zero - 1))) zero -= 1;
    out += String((cp - zero) % 10);
  }
  return out;
}

describe('the log', () => {
  it('holds no number sent in a request path, percent-encoded or not', async () => {
    const encoded = encodeURIComponent('٠٥٠٩٩٩٨٨٤٤');
    for (const path of [`/no/such/${encoded}`, '/no/such/0509998833', `/F/${encoded}`])
      expect((await fetch(`${sys.baseUrl}${path}`)).status).toBe(404);
    await eventually(() =>
      Promise.resolve(lines.filter((l) => l.includes('/no/such/')).length >= 2 ? true : undefined),
    );
    const log = lines.join('');
    expect(log).not.toContain(encoded);
    expect(log).not.toContain(encoded.toLowerCase());
    for (const tail of ['9998844', '9998833']) expect(digitsOf(log)).not.toContain(tail);
  });

  it('holds no number of a signed inbound message from an Arabic-Indic or Persian From', async () => {
    const senders = ['+٩٦٦٥٠٩٩٩٨٨٧٧', '٠٥٠٩٩٩٨٨٦٦', 'whatsapp:+۹۶۶۵۰۹۹۹۸۸۵۵'];
    for (const from of senders) {
      const { sid, res } = await postInbound(sys, from, `رقمي ${from} شكرا`);
      expect(res.status).toBe(200);
      await eventually(async () => {
        const state = await sys.ctx.queues.get(INBOUND_QUEUE).getJobState(inboundJobId(sid));
        return state === 'completed' || state === 'failed' ? state : undefined;
      });
    }
    await eventually(() => Promise.resolve(lines.some((l) => l.includes('/sms/inbound')) ? true : undefined));
    const log = lines.join('');
    // Each line one record, and each of them read: the request lines at least are there.
    expect(lines.length).toBeGreaterThan(3);
    for (const tail of ['9998877', '9998866', '9998855']) expect(digitsOf(log)).not.toContain(tail);
  });

  it('folds a From in another digit script, so the reply finds its conversation and its number', async () => {
    const token = await sys.token('ticket_system');
    const phone = '+966509998844';
    await ticketEvent(sys, token, 'LM-1', 'closed', { phone });
    await waitForMessages(sys, phone, 1);
    // The same number in Arabic-Indic digits answers "solved": read as this citizen's answer, and
    // the next question goes to the number as Twilio knows it.
    const { res } = await postInbound(sys, '+٩٦٦٥٠٩٩٩٨٨٤٤', '1');
    expect(res.status).toBe(200);
    const f = await eventually(async () => {
      const doc = await sys.ctx.models.FollowUp.findOne({ ticketRef: 'LM-1' }).lean();
      return doc?.solved === true ? doc : undefined;
    });
    expect(f.state).toBe('awaiting_rating');
    const question = await eventually(() =>
      Promise.resolve(
        (sys.ctx.sandbox?.listMessages({ to: phone }) ?? []).find((m) => m.body.includes('قيم الخدمة')),
      ),
    );
    expect(question.to).toBe(phone);
  });
});
