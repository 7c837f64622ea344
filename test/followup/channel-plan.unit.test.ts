import { describe, expect, it } from 'vitest';
import { channelOrder, nextChannel, openHours, ruledOutBy } from '../../src/followup/channels/plan.js';

describe('channel order', () => {
  it("takes the agency's order, without unknown names or repeats, else the configured one", () => {
    expect(channelOrder(['whatsapp', 'sms', 'voice'], ['sms'])).toEqual(['whatsapp', 'sms', 'voice']);
    expect(channelOrder(['fax', 'voice', 'voice'], ['sms'])).toEqual(['voice']);
    expect(channelOrder([], ['sms', 'voice'])).toEqual(['sms', 'voice']);
    expect(channelOrder(undefined, ['whatsapp'])).toEqual(['whatsapp']);
  });

  it.each([
    // [failed on, code, ruled out]
    ['sms', 21211, ['sms', 'whatsapp', 'voice']],
    ['sms', 21614, ['sms', 'whatsapp']],
    ['whatsapp', 63003, ['whatsapp']],
    ['sms', 30004, ['sms']],
    ['voice', undefined, ['voice']],
    ['whatsapp', 30006, ['whatsapp', 'sms']],
  ] as const)('a failure on %s with %s rules out %j', (channel, code, out) => {
    expect(ruledOutBy(channel, code).sort()).toEqual([...out].sort());
  });

  it('moves past channels ruled out, and says when none is left', () => {
    const plan = ['whatsapp', 'sms', 'voice'] as const;
    expect(nextChannel(plan, 0)).toEqual({ index: 1, channel: 'sms' });
    expect(nextChannel(plan, 0, ['whatsapp', 'sms'])).toEqual({ index: 2, channel: 'voice' });
    expect(nextChannel(plan, 0, ['sms', 'whatsapp', 'voice'])).toBeUndefined();
    expect(nextChannel(plan, 2)).toBeUndefined();
  });

  it('keeps a follow-up open for every wait but the last, then the answer period', () => {
    expect(openHours(1, 24, 72)).toBe(72);
    expect(openHours(3, 24, 72)).toBe(120);
  });
});
