import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { applyMapping, parseWhen, read, toCode, valueAtPath } from '../../src/tickets/connectors/mapping.js';
import { SAMPLES } from '../../src/tickets/connectors/samples.js';
import {
  freshTimestamp,
  glpiChallengeAnswer,
  glpiSignature,
  sameValue,
  zendeskSignature,
} from '../../src/tickets/connectors/signatures.js';
import { mappingFor, SYSTEMS } from '../../src/tickets/connectors/systems.js';

const fixture = (s: string): unknown =>
  JSON.parse(readFileSync(new URL(`../fixtures/connectors/${s}.json`, import.meta.url), 'utf8'));

describe('signatures', () => {
  it('Zendesk: base64 HMAC-SHA256 of timestamp then body, as its documentation computes it', () => {
    const body = Buffer.from('{"ticket":{"id":"1"}}');
    const ts = '2026-12-05T09:30:00Z';
    const expected = createHmac('sha256', 'sekret')
      .update(ts + body.toString())
      .digest('base64');
    expect(zendeskSignature('sekret', ts, body)).toBe(expected);
    expect(zendeskSignature('sekret', ts, Buffer.from('{"ticket":{"id":"2"}}'))).not.toBe(expected);
  });

  it('GLPI: hex HMAC-SHA256 of body then timestamp (src/Webhook.php), and its challenge answer', () => {
    const body = Buffer.from('{"event":"update"}');
    expect(glpiSignature('k', '1796463000', body)).toBe(
      createHmac('sha256', 'k').update('{"event":"update"}1796463000').digest('hex'),
    );
    expect(glpiChallengeAnswer('k', 'abc')).toBe(createHmac('sha256', 'k').update('abc').digest('hex'));
  });

  it('compares in constant time whatever the lengths, and only equal strings match', () => {
    expect(sameValue('abc', 'abc')).toBe(true);
    expect(sameValue('abc', 'abd')).toBe(false);
    expect(sameValue('abc', 'abcd')).toBe(false);
    expect(sameValue('', '')).toBe(true);
  });

  it('a Zendesk timestamp older than five minutes is not fresh', () => {
    const now = new Date('2026-12-05T10:00:00Z');
    expect(freshTimestamp('2026-12-05T09:56:00Z', now)).toBe(true);
    expect(freshTimestamp('2026-12-05T09:54:00Z', now)).toBe(false);
    expect(freshTimestamp('not a time', now)).toBe(false);
  });

  it('each system verifies what it signs and refuses another secret', () => {
    const now = new Date();
    for (const spec of Object.values(SYSTEMS)) {
      const body = Buffer.from('{"x":1}');
      const signed = spec.sign(body, 'right', now);
      expect(spec.verify({ ...signed, body }, ['old', 'right'], now)).toEqual({ ok: true });
      const wrong = spec.verify({ ...signed, body }, ['wrong'], now);
      expect(wrong.ok).toBe(false);
      // A changed body is refused where the system signs the body.
      if (spec.name === 'Zendesk' || spec.name === 'GLPI')
        expect(spec.verify({ ...signed, body: Buffer.from('{"x":2}') }, ['right'], now).ok).toBe(false);
    }
  });
});

describe('mapping', () => {
  it('reads dotted paths, indexes and [key=value] selections, and tries alternatives in turn', () => {
    const p = {
      a: {
        b: [
          { key: 'T', value: { v: 7 } },
          { key: 'U', value: 'u' },
        ],
      },
    };
    expect(valueAtPath(p, 'a.b[key=T].value.v')).toBe(7);
    expect(valueAtPath(p, 'a.b[1].value')).toBe('u');
    expect(valueAtPath(p, 'a.missing.x')).toBeUndefined();
    expect(read(p, 'a.nothing | a.b[key=U].value')).toBe('u');
    expect(read(p, '=fixed')).toBe('fixed');
  });

  it('turns names into codes and refuses what has no letter or digit', () => {
    expect(toCode('Service Desk')).toBe('Service-Desk');
    expect(toCode('a.b@x.sa')).toBe('a.b-x.sa');
    expect(toCode('مكتب')).toBe('');
  });

  it('reads the times the systems send', () => {
    expect(parseWhen('/Date(1796463000000)/', 'utc', 'Asia/Riyadh')?.toISOString()).toBe(
      '2026-12-05T09:30:00.000Z',
    );
    expect(parseWhen('2026-12-05 09:30:00', 'utc', 'Asia/Riyadh')?.toISOString()).toBe(
      '2026-12-05T09:30:00.000Z',
    );
    expect(parseWhen('2026-12-05 12:30:00', 'local', 'Asia/Riyadh')?.toISOString()).toBe(
      '2026-12-05T09:30:00.000Z',
    );
    expect(parseWhen('2026-12-05T09:30:00Z', 'local', 'Asia/Riyadh')?.toISOString()).toBe(
      '2026-12-05T09:30:00.000Z',
    );
    expect(parseWhen('1796463000', 'utc', 'UTC')?.toISOString()).toBe('2026-12-05T09:30:00.000Z');
    expect(parseWhen('yesterday', 'utc', 'UTC')).toBeUndefined();
  });

  const opts = { agency: 'moh', timeZone: 'Asia/Riyadh', defaultLanguage: 'en' as const };

  it.each(['zendesk', 'servicenow', 'dynamics', 'glpi'] as const)(
    "the defaults read %s's fixture into a closure at the same instant",
    (system) => {
      const m = applyMapping(system, mappingFor(system, {}), fixture(system), opts);
      expect(m.kind).toBe('event');
      if (m.kind !== 'event') return;
      expect(m.type).toBe('closed');
      expect(m.at.toISOString()).toBe('2026-12-05T09:30:00.000Z');
      expect(m.ticketRef.startsWith('moh-')).toBe(true);
      expect(m.language).toBe('ar');
      expect(m.eventId).toMatch(/^[\x21-\x7e]{1,128}$/);
    },
  );

  it('an unmapped status is ignored; a mapped one without the number is refused naming its path', () => {
    const zd = { ticket: { id: '1', status: 'New', updated_at: '2026-12-05T09:30:00Z' } };
    expect(applyMapping('zendesk', mappingFor('zendesk', {}), zd, opts)).toMatchObject({
      kind: 'ignored',
      status: 'New',
    });
    zd.ticket.status = 'solved';
    expect(applyMapping('zendesk', mappingFor('zendesk', {}), zd, opts)).toMatchObject({
      kind: 'refused',
      field: 'phone',
      path: 'ticket.requester_phone',
    });
  });

  it("an agency's override wins field by field; the same delivery makes the same event id", () => {
    const m = mappingFor('servicenow', { closed: ['Resolved'], department: '=roads', refPrefix: 'X-' });
    const p = { ...(fixture('servicenow') as object), state: 'resolved' };
    const a = applyMapping('servicenow', m, p, opts);
    const b = applyMapping('servicenow', m, p, opts);
    expect(a).toMatchObject({ kind: 'event', department: 'roads', ticketRef: 'X-INC0010023' });
    expect(a.kind === 'event' && b.kind === 'event' && a.eventId === b.eventId).toBe(true);
  });

  it('the samples of the test event are the fixtures', () => {
    for (const s of ['zendesk', 'servicenow', 'dynamics', 'glpi'] as const)
      expect(SAMPLES[s]).toEqual(fixture(s));
  });
});
