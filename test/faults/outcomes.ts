import { expect } from 'vitest';
import { OPEN_STATES } from '../../src/followup/outcome/outcome.js';
import { messagesTo, reply } from '../support/followup.js';
import { eventually, type TestSystem } from '../support/system.js';

/**
 * What every fault test asserts once the fault is over: no answer lost, no citizen messaged twice
 * for one closure, every follow-up at a final outcome.
 */

/** Waits until each of `refs` has a follow-up that was sent (recorded, waiting for the citizen). */
export async function allSent(sys: TestSystem, refs: string[]): Promise<void> {
  await eventually(
    async () => {
      const states = await sys.ctx.models.FollowUp.aggregate<{ _id: string; n: number }>([
        { $match: { ticketRef: { $in: refs } } },
        { $group: { _id: '$state', n: { $sum: 1 } } },
      ]);
      if (states.some((s) => s._id === 'awaiting_solved' && s.n === refs.length)) return true;
      // Thrown, so a timeout says where the follow-ups are stuck.
      throw new Error(`follow-ups by state: ${JSON.stringify(states)}`);
    },
    { within: 'bulk', what: `${refs.length} follow-ups sent` },
  );
}

/** The stand-in got exactly one follow-up message per number, and the database recorded each once. */
export async function expectOneMessageEach(sys: TestSystem, phones: string[]): Promise<void> {
  const counts = phones.map((p) => messagesTo(sys, p).length);
  expect(counts).toEqual(phones.map(() => 1));
  const followUps = await sys.ctx.models.FollowUp.find({ citizenPhone: { $in: phones } })
    .select({ _id: 1 })
    .lean();
  expect(followUps).toHaveLength(phones.length);
  const initial = await sys.ctx.models.FollowUpMessage.countDocuments({
    kind: 'initial',
    followUpId: { $in: followUps.map((f) => f._id.toString()) },
  });
  expect(initial).toBe(phones.length);
}

/**
 * Each citizen answers "solved" and rates 5 (by SMS, through whichever web process is given), then
 * each follow-up must be completed with its answer and its verified score stored.
 */
export async function answerAllAndCheck(sys: TestSystem, phones: string[]): Promise<void> {
  for (const phone of phones) {
    await reply(sys, phone, '1');
    await reply(sys, phone, '5');
  }
  await expectFinal(sys, phones, 'confirmed_solved');
  const scores = await sys.ctx.models.VerifiedScore.find({ citizenPhone: { $in: phones } }).lean();
  expect(scores).toHaveLength(phones.length);
  for (const s of scores) {
    expect(s.solved).toBe(true);
    expect(s.rating).toBe(5);
  }
}

export async function expectFinal(sys: TestSystem, phones: string[], outcome: string): Promise<void> {
  await eventually(
    async () => {
      const open = await sys.ctx.models.FollowUp.countDocuments({
        citizenPhone: { $in: phones },
        state: { $in: OPEN_STATES },
      });
      return open === 0 ? true : undefined;
    },
    { what: 'every follow-up at a final outcome' },
  );
  const outcomes = await sys.ctx.models.FollowUp.find({ citizenPhone: { $in: phones } })
    .select({ outcome: 1 })
    .lean();
  expect(outcomes.map((f) => f.outcome)).toEqual(phones.map(() => outcome));
}
