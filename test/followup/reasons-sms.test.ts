import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAST_FOLLOWUP_ENV, reply, ticketEvent, waitForMessages } from '../support/followup.js';
import { startTestSystem, type TestSystem } from '../support/system.js';

let sys: TestSystem;
let token: string;

beforeAll(async () => {
  sys = await startTestSystem({ workers: true, env: FAST_FOLLOWUP_ENV });
  token = await sys.token('ticket_system');
  await sys.ctx.models.Agency.create({
    code: 'momrah',
    name: { ar: 'أمانة الرياض', en: 'Riyadh Municipality' },
  });
});
afterAll(async () => {
  await sys.stop();
});

const score = (ref: string) => sys.ctx.models.VerifiedScore.findOne({ ticketRef: ref }).lean();

describe('a reason typed in the citizen’s own words, by SMS', () => {
  it.each([
    { ref: 'C-2701', phone: '+966500002701', words: 'المشكله مستمره', reason: 'still_exists' },
    {
      ref: 'C-2702',
      phone: '+966500002702',
      words: 'they closed it without calling me',
      reason: 'no_contact',
    },
  ])('$words is stored as $reason, the words kept', async ({ ref, phone, words, reason }) => {
    await ticketEvent(sys, token, ref, 'closed', { phone });
    await waitForMessages(sys, phone, 1);
    await reply(sys, phone, '2');
    await reply(sys, phone, '1');
    await reply(sys, phone, words);
    expect(await score(ref)).toMatchObject({ outcome: 'disputed', reason, comment: words });
  });
});
