import { describe, expect, it } from 'vitest';
import { turnBatcher } from '../../src/queue/turn-batch.js';

describe('turnBatcher', () => {
  it('hands the calls of one event-loop turn to one flush, and each caller its own result', async () => {
    const batches: number[][] = [];
    const double = turnBatcher<number, number>((items) => {
      batches.push(items);
      return Promise.resolve(items.map((n) => n * 2));
    });
    const first = await Promise.all([double(1), double(2), double(3)]);
    const second = await double(4);
    expect(first).toEqual([2, 4, 6]);
    expect(second).toBe(8);
    expect(batches).toEqual([[1, 2, 3], [4]]);
  });

  it('starts a new batch when one is full', async () => {
    const batches: string[][] = [];
    const echo = turnBatcher<string, string>(
      (items) => {
        batches.push(items);
        return Promise.resolve(items);
      },
      { max: 2 },
    );
    expect(await Promise.all(['a', 'b', 'c', 'd', 'e'].map(echo))).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(batches).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });

  it('gives every caller of a failed batch the error, and the next batch starts clean', async () => {
    let fail = true;
    const store = turnBatcher<string, string>((items) =>
      fail
        ? Promise.reject(new Error('database unavailable'))
        : Promise.resolve(items.map((i) => `stored ${i}`)),
    );
    const failed = await Promise.allSettled([store('x'), store('y')]);
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(failed.map((r) => (r.status === 'rejected' ? (r.reason as Error).message : ''))).toEqual([
      'database unavailable',
      'database unavailable',
    ]);
    fail = false;
    expect(await store('z')).toBe('stored z');
  });

  it('refuses a flush that answers for the wrong number of items', async () => {
    const broken = turnBatcher<number, number>(() => Promise.resolve([1]));
    await expect(Promise.all([broken(1), broken(2)])).rejects.toThrow(/1 results for 2 items/);
  });
});
