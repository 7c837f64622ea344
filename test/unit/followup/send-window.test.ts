import { describe, expect, it } from 'vitest';
import { isInsideWindow, localDay, nextSendTime, parseSendWindow, SendWindowError, validityPeriodSeconds } from '../../../src/followup/send-window.js';

const riyadh = parseSendWindow('09:00-21:00', 'all', 'Asia/Riyadh');
const iso = (d: Date) => d.toISOString();

describe('send window (Asia/Riyadh, 09:00–21:00)', () => {
  it('keeps a time inside the window', () => {
    expect(iso(nextSendTime(new Date('2026-11-22T10:00:00+03:00'), riyadh))).toBe('2026-11-22T07:00:00.000Z');
  });
  it('moves a closure at 23:50 local plus three days to 09:00 local the next morning', () => {
    const closedAt = new Date('2026-11-22T23:50:00+03:00');
    const earliest = new Date(closedAt.getTime() + 72 * 3_600_000);
    expect(iso(nextSendTime(earliest, riyadh))).toBe('2026-11-26T06:00:00.000Z'); // 09:00 +03:00 on the 26th
  });
  it('moves an early-morning time to 09:00 the same day', () => {
    expect(iso(nextSendTime(new Date('2026-11-22T06:30:00+03:00'), riyadh))).toBe('2026-11-22T06:00:00.000Z');
  });
  it('treats the end as exclusive: 21:00 exactly waits for the next morning', () => {
    expect(isInsideWindow(new Date('2026-11-22T20:59:59+03:00'), riyadh)).toBe(true);
    expect(isInsideWindow(new Date('2026-11-22T21:00:00+03:00'), riyadh)).toBe(false);
    expect(iso(nextSendTime(new Date('2026-11-22T21:00:00+03:00'), riyadh))).toBe('2026-11-23T06:00:00.000Z');
  });
  it('skips the Friday–Saturday weekend when only working days are allowed', () => {
    const work = parseSendWindow('09:00-21:00', 'sun,mon,tue,wed,thu', 'Asia/Riyadh');
    // Thursday 2026-11-26 22:00 → Sunday 2026-11-29 09:00
    expect(iso(nextSendTime(new Date('2026-11-26T22:00:00+03:00'), work))).toBe('2026-11-29T06:00:00.000Z');
    expect(iso(nextSendTime(new Date('2026-11-27T12:00:00+03:00'), work))).toBe('2026-11-29T06:00:00.000Z');
  });
  it('follows daylight saving where a zone has it (no fixed offsets)', () => {
    const london = parseSendWindow('09:00-21:00', 'all', 'Europe/London');
    expect(iso(nextSendTime(new Date('2026-07-01T05:00:00Z'), london))).toBe('2026-07-01T08:00:00.000Z'); // BST
    expect(iso(nextSendTime(new Date('2026-12-01T05:00:00Z'), london))).toBe('2026-12-01T09:00:00.000Z'); // GMT
  });
  it('gives a validity period that ends with the window, within Twilio limits', () => {
    expect(validityPeriodSeconds(new Date('2026-11-22T20:00:00+03:00'), riyadh)).toBe(3600);
    expect(validityPeriodSeconds(new Date('2026-11-22T09:00:00+03:00'), riyadh)).toBe(36_000);
    expect(validityPeriodSeconds(new Date('2026-11-22T20:59:59.500+03:00'), riyadh)).toBe(1);
  });
  it('names the local day', () => {
    expect(localDay(new Date('2026-11-22T22:30:00Z'), 'Asia/Riyadh')).toBe('2026-11-23');
  });
  it('refuses malformed windows', () => {
    expect(() => parseSendWindow('9-21', 'all', 'Asia/Riyadh')).toThrow(SendWindowError);
    expect(() => parseSendWindow('21:00-09:00', 'all', 'Asia/Riyadh')).toThrow(/start before it ends/);
    expect(() => parseSendWindow('09:00-21:00', 'funday', 'Asia/Riyadh')).toThrow(/weekday/);
    expect(() => parseSendWindow('09:00-21:00', 'all', 'Mars/Olympus')).toThrow(/time zone/);
  });
});
