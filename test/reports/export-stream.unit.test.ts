import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { rowMapper, type ScoreDoc } from '../../src/reports/exports/export-rows.js';
import { writeCsv, writeNdjson } from '../../src/reports/exports/export-stream.js';

function doc(i: number, extra: Partial<ScoreDoc> = {}): ScoreDoc {
  return {
    ticketRef: `T-${i}`,
    closureNumber: 1,
    agency: 'A',
    department: 'd',
    agentId: 'x',
    citizenPhone: '+966501234567',
    language: 'ar',
    closedAt: new Date('2025-03-01T22:30:00Z'),
    day: '2025-03-02',
    outcome: 'confirmed_solved',
    sent: true,
    delivered: true,
    solved: true,
    rating: 5,
    ...extra,
  };
}

/** A cursor stand-in: an async iterable over generated documents. */
function asAsync<T>(items: Iterable<T>): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator]() {
      const it = items[Symbol.iterator]();
      return { next: () => Promise.resolve(it.next()) };
    },
  };
}

function* generate(n: number): Generator<ScoreDoc> {
  for (let i = 0; i < n; i++) yield doc(i);
}

const docs = (n: number) => asAsync(generate(n));

describe('export rows', () => {
  it('masks phone numbers unless the role may see them, and writes local times', () => {
    const masked = rowMapper({ timeZone: 'Asia/Riyadh', showPhones: false })(doc(1));
    expect(masked[5]).toBe('+966•••••••67');
    expect(masked[7]).toBe('2025-03-02T01:30:00+03:00');
    expect(masked.slice(9, 14)).toEqual(['confirmed_solved', true, true, true, 5]);
    expect(masked[18]).toBeNull();
    const clear = rowMapper({ timeZone: 'Asia/Riyadh', showPhones: true })(doc(1));
    expect(clear[5]).toBe('+966501234567');
    expect(
      rowMapper({ timeZone: 'Asia/Riyadh', showPhones: false })(doc(1, { citizenPhone: null }))[5],
    ).toBeNull();
  });
});

describe('streaming writers', () => {
  const mapRow = rowMapper({ timeZone: 'Asia/Riyadh', showPhones: false });

  it('waits for a slow destination instead of buffering (backpressure)', async () => {
    let maxBuffered = 0;
    let bytes = 0;
    const slow = new Writable({
      highWaterMark: 16 * 1024,
      write(chunk: Buffer, _enc, cb) {
        bytes += chunk.length;
        setImmediate(cb);
      },
    });
    const watch = setInterval(() => (maxBuffered = Math.max(maxBuffered, slow.writableLength)), 1);
    const result = await writeCsv(slow, { docs: docs(20_000), mapRow, lang: 'en' });
    clearInterval(watch);
    expect(result).toEqual({ rows: 20_000, aborted: false });
    expect(bytes).toBeGreaterThan(20_000 * 80);
    // Never more than about one chunk waits in the stream, whatever the row count.
    expect(maxBuffered).toBeLessThan(200 * 1024);
  });

  it('stops reading when the client goes away', async () => {
    const abort = new AbortController();
    const stuck = new Writable({ highWaterMark: 1024, write: () => undefined });
    let read = 0;
    function* counted(): Generator<ScoreDoc> {
      for (let i = 0; i < 1_000_000; i++) {
        read += 1;
        yield doc(i);
      }
    }
    setTimeout(() => abort.abort(), 50);
    await expect(
      writeCsv(stuck, { docs: asAsync(counted()), mapRow, lang: 'en', signal: abort.signal }),
    ).rejects.toThrow(/abort/i);
    expect(read).toBeLessThan(5_000);
  });

  it('writes NDJSON lines and calls beforeFinish before the stream ends', async () => {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    const events: string[] = [];
    out.on('finish', () => events.push('finish'));
    const result = await writeNdjson(out, {
      docs: docs(3),
      mapRow,
      lang: 'ar',
      beforeFinish: async (rows) => {
        events.push(`audit ${rows}`);
        await Promise.resolve();
      },
    });
    await new Promise((r) => setImmediate(r));
    expect(result.rows).toBe(3);
    expect(events).toEqual(['audit 3', 'finish']);
    const lines = Buffer.concat(chunks).toString('utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({
      ticket_ref: 'T-0',
      citizen_phone: '+966•••••••67',
      solved: true,
      rating: 5,
    });
  });
});
