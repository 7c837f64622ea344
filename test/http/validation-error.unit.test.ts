import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { validationError } from '../../src/http/errors.js';

describe('validationError', () => {
  it('names each field with its message in English and in Arabic', () => {
    const schema = z.object({
      code: z.string().min(2),
      url: z.string().regex(/^https:/, 'must be https in live mode'),
    });
    const result = schema.safeParse({ code: 'a', url: 'http://x' });
    if (result.success) throw new Error('expected the body to be refused');
    const err = validationError(result.error, 'body');
    expect(err.status).toBe(422);
    const { fields } = err.details as { fields: { field: string; message: string; messageAr: string }[] };
    expect(fields.map((f) => f.field)).toEqual(['code', 'url']);
    expect(fields[0]?.messageAr).toMatch(/^أصغر من اللازم/);
    // Our own English words stay in `message`; the Arabic is zod's reading of the same rule.
    expect(fields[1]?.message).toBe('must be https in live mode');
    expect(fields[1]?.messageAr).toMatch(/[\u0600-\u06ff]/);
  });
});
