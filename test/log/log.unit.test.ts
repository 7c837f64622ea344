import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createLogger, maskPhone } from '../../src/log.js';
import { logSink } from '../support/log-sink.js';

describe('maskPhone', () => {
  it.each([
    ['+966501234567', '+966•••••••67'],
    ['whatsapp:+966501234567', 'whatsapp:+966•••••••67'],
    ['call 0501234567 now', 'call 050•••••67 now'],
    ['ticket T-12', 'ticket T-12'],
    ['tel:966501234567.', 'tel:966•••••••67.'],
    ['request 30de5668-8765-47b9-bff7-b4b727a1ed12', 'request 30de5668-8765-47b9-bff7-b4b727a1ed12'],
    ['id 14170099-5939-4491-b429-85428fed1c9c', 'id 14170099-5939-4491-b429-85428fed1c9c'],
    ['call 050-123-4567, then', 'call 050•••••67, then'],
  ])('%s → %s', (input, expected) => {
    expect(maskPhone(input)).toBe(expected);
  });
});

describe('request ids', () => {
  it('are never mistaken for phone numbers, so log lines stay correlatable', () => {
    const ids = Array.from({ length: 5000 }, () => randomUUID());
    expect(ids.filter((id) => maskPhone(id) !== id)).toEqual([]);
  });
});

describe('createLogger', () => {
  it('never writes a phone number or a secret, wherever it appears', () => {
    const { lines, sink } = logSink();
    const log = createLogger({ level: 'info', destination: sink });
    log.info(
      { from: '+966501234567', nested: { to: ['+966551112233'] }, authToken: 'abc' },
      'sms from +966501234567',
    );
    log.error({ err: new Error('send to +966501234567 failed') }, 'failed');
    log.info('plain message about 0551112233');
    const text = lines.join('');
    expect(lines).toHaveLength(3);
    expect(text).not.toMatch(/501234567|551112233|"abc"/);
    expect(text).toContain('[redacted]');
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({
      from: '+966•••••••67',
      msg: 'sms from +966•••••••67',
    });
    expect((JSON.parse(lines[1] ?? '{}') as { err: { message: string } }).err.message).toBe(
      'send to +966•••••••67 failed',
    );
  });

  it('logs an err that is not an Error (a message string, nothing) instead of throwing', () => {
    const { lines, sink } = logSink();
    const log = createLogger({ level: 'info', destination: sink });
    log.warn({ err: 'connect ECONNREFUSED, caller +966501234567' }, 'redis connection error');
    log.warn({ err: undefined }, 'no error given');
    const errOf = (line: string | undefined) => (JSON.parse(line ?? '{}') as { err?: unknown }).err;
    expect(lines).toHaveLength(2);
    expect(errOf(lines[0])).toBe('connect ECONNREFUSED, caller +966•••••••67');
    expect(errOf(lines[1])).toBeUndefined();
  });
});

describe('createLogger, numbers by every path into a line (issue 23, item 2)', () => {
  it('masks numbers in printf arguments, error fields, causes and keys, in any digit script', () => {
    const { lines, sink } = logSink();
    const log = createLogger({ level: 'info', destination: sink });
    log.info('sms from %s to %s', '+٩٦٦٥٠٩٩٩٨٨٧٧', '۰۵۰۹۹۹۸۸۶۶');
    // A duplicate-key error carries the number in its own fields, not only its message.
    const dup = Object.assign(new Error('E11000 duplicate key'), {
      keyValue: { citizenPhone: '+966509998855' },
      errmsg: 'dup key: { citizenPhone: "+966509998855" }',
    });
    log.error({ err: dup }, 'insert failed');
    log.error({ err: new Error('outer', { cause: new Error('inner for 0509998844') }) }, 'wrapped');
    log.warn({ byNumber: { '+966509998833': 1 }, other: new Error('plain 0509998822') }, 'keys');
    const text = lines.join('');
    expect(lines).toHaveLength(4);
    for (const line of lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ msg: 'sms from +966•••••••77 to 050•••••66' });
    expect(text.normalize('NFKC')).not.toMatch(/٩٩٩|۹۹۹|9998877|9998866|9998855|9998844|9998833/);
  });

  it('leaves numbers that are not phone numbers alone: times, counts, ids', () => {
    const { lines, sink } = logSink();
    const log = createLogger({ level: 'info', destination: sink });
    log.info({ responseTime: 12345678, at: '2026-12-05T10:20:30.000Z', ref: 'T-1001' }, 'done in 12 ms');
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({
      responseTime: 12345678,
      at: '2026-12-05T10:20:30.000Z',
      ref: 'T-1001',
      msg: 'done in 12 ms',
    });
  });
});
