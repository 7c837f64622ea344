import type { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { voiceWorker, type AnswerJob } from '../../src/voice/persistence.js';
import { applyCallAnswer } from '../../src/followup/channels/voice-call.js';
import { startTestSystem, type TestSystem } from '../support/system.js';

/**
 * An answer whose write reached MongoDB while the reply did not (the server went away, the driver
 * saw the connection close): the job fails and its retry finds the step already stored. What that
 * write should have caused must still happen on the retry.
 */
let sys: TestSystem;
beforeAll(async () => {
  sys = await startTestSystem();
});
afterAll(async () => {
  await sys.stop();
});

const at = new Date('2026-12-05T10:00:00Z');
const solved: AnswerJob = {
  type: 'answer',
  callSid: 'CA-RETRY-1',
  flow: 'post-call-rating',
  lang: 'ar',
  agentId: 'a-1',
  ticketRef: 'T-RETRY-1',
  step: 'solved',
  field: 'solvedOnCall',
  value: true,
  digits: '1',
  at: at.toISOString(),
};

describe('an answer stored by an attempt whose reply was lost', () => {
  it('still brings a finalised call to its status when the retry finds it stored', async () => {
    // The call was finalised from its first answer (partial); the second answer's write then landed,
    // and its reply was lost before the job could write the status again.
    await sys.ctx.models.PostCallRating.create({
      callSid: solved.callSid,
      flow: solved.flow,
      agentId: solved.agentId,
      ticketRef: solved.ticketRef,
      language: 'ar',
      agentRating: 4,
      solvedOnCall: true,
      answers: [
        { step: 'agent_rating', digits: '4', value: 4, at },
        { step: 'solved', digits: '1', value: true, at },
      ],
      answered: { agent_rating: true, solved: true },
      status: 'partial',
      finalisedAt: at,
      day: '2026-12-05',
    });

    const result = await voiceWorker(sys.ctx, applyCallAnswer).process({ data: solved } as Job);
    expect(result).toEqual({ stored: false });
    const rating = await sys.ctx.models.PostCallRating.findOne({ callSid: solved.callSid }).lean();
    expect(rating?.answers).toHaveLength(2);
    expect(rating?.status).toBe('complete');
  });
});
