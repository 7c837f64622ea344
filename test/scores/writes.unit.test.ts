import { describe, expect, it } from 'vitest';
import { scoreFieldsOf } from '../../src/scores/writes.js';

/** What a score records of its follow-up: the pure part of every update from an answer or outcome. */
describe('scoreFieldsOf', () => {
  const at = new Date('2025-03-01T10:00:00Z');

  it('copies the answers, the outcome, the answer channel and the attempts without their sids', () => {
    const fields = scoreFieldsOf({
      revision: 4,
      sentAt: at,
      solved: false,
      rating: 2,
      reason: 'not_fixed',
      comment: 'still broken',
      outcome: 'disputed',
      answeredAt: at,
      channel: 'whatsapp',
      attempts: [
        { channel: 'sms', sid: 'SM1', at, result: 'undelivered', errorCode: 30003 },
        { channel: 'whatsapp', sid: 'SM2', at, result: 'read' },
        { channel: 'voice', at },
      ],
    });
    expect(fields).toEqual({
      sent: true,
      solved: false,
      rating: 2,
      reason: 'not_fixed',
      comment: 'still broken',
      outcome: 'disputed',
      channel: 'whatsapp',
      attempts: [
        { channel: 'sms', at, result: 'undelivered' },
        { channel: 'whatsapp', at, result: 'read' },
        { channel: 'voice', at },
      ],
      answeredAt: at,
      followUpRevision: 4,
    });
  });

  it('never lowers `sent` and leaves out what the follow-up does not know yet', () => {
    // Not sent yet by the follow-up's account: the sender may have marked the score sent already.
    expect(scoreFieldsOf({ revision: 1, channel: 'sms', solved: null, rating: null })).toEqual({
      followUpRevision: 1,
    });
  });

  it('records the answer channel only for an answered outcome, not for the channel being tried', () => {
    expect(scoreFieldsOf({ revision: 2, channel: 'voice', outcome: 'no_response' })).toEqual({
      outcome: 'no_response',
      followUpRevision: 2,
    });
  });
});
