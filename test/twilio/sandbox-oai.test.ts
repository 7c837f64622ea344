import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../support/system.js';

/**
 * The stand-in's JSON against Twilio's own API description (twilio/twilio-oai, kept beside the
 * repository in ../shared/twilio-oai and never copied into it): every property the description
 * defines is present, none it does not, and each value has its type, pattern and enum.
 */

interface PropertySpec {
  type?: string;
  nullable?: boolean;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  format?: string;
  enum?: string[];
  $ref?: string;
}
interface Spec {
  components: { schemas: Record<string, { properties?: Record<string, PropertySpec> } & PropertySpec> };
}

/** ../shared from the repository root; from a git worktree, from the main checkout's root. */
function specPath(): string {
  const root = path.resolve(import.meta.dirname, '../..');
  const candidates = [path.resolve(root, '../shared/twilio-oai/twilio_api_v2010.json')];
  try {
    const common = execFileSync('git', ['rev-parse', '--path-format=absolute', '--git-common-dir'], {
      cwd: root,
      encoding: 'utf8',
    }).trim();
    candidates.push(path.resolve(path.dirname(common), '../shared/twilio-oai/twilio_api_v2010.json'));
  } catch {
    // Not a git checkout: the first candidate is the only one.
  }
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`Twilio's OpenAPI description not found at ${candidates.join(' or ')}`);
  return found;
}

const spec = JSON.parse(readFileSync(specPath(), 'utf8')) as Spec;

function resolve(p: PropertySpec): PropertySpec {
  if (!p.$ref) return p;
  const name = p.$ref.replace('#/components/schemas/', '');
  const target = spec.components.schemas[name];
  if (!target) throw new Error(`unresolved ${p.$ref}`);
  return target;
}

/** What is wrong with `body` against the schema; empty when it matches. */
function mismatches(schemaName: string, body: Record<string, unknown>): string[] {
  const properties = spec.components.schemas[schemaName]?.properties;
  if (!properties) throw new Error(`no schema ${schemaName}`);
  const out: string[] = [];
  for (const name of Object.keys(properties)) if (!(name in body)) out.push(`${name}: missing`);
  for (const name of Object.keys(body))
    if (!(name in properties)) out.push(`${name}: not in the description`);
  for (const [name, raw] of Object.entries(properties)) {
    if (!(name in body)) continue;
    const p = resolve(raw);
    const v = body[name];
    if (v === null) {
      if (!p.nullable && !raw.$ref) out.push(`${name}: null but not nullable`);
      continue;
    }
    if (p.type === 'string') {
      if (typeof v !== 'string') {
        out.push(`${name}: ${JSON.stringify(v)} is not a string`);
        continue;
      }
      if (p.pattern && !new RegExp(p.pattern).test(v)) out.push(`${name}: ${v} does not match ${p.pattern}`);
      if (p.minLength !== undefined && v.length < p.minLength)
        out.push(`${name}: shorter than ${p.minLength}`);
      if (p.maxLength !== undefined && v.length > p.maxLength)
        out.push(`${name}: longer than ${p.maxLength}`);
      if (p.enum && !p.enum.includes(v)) out.push(`${name}: ${v} is not one of ${p.enum.join(', ')}`);
      if (p.format === 'date-time-rfc-2822' && !/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000$/.test(v))
        out.push(`${name}: ${v} is not an RFC 2822 date`);
      if (p.format === 'currency' && !/^[A-Z]{3}$/.test(v)) out.push(`${name}: ${v} is not a currency code`);
    } else if (p.type === 'object') {
      if (typeof v !== 'object' || Array.isArray(v)) out.push(`${name}: not an object`);
      else if (p.format === 'uri-map')
        for (const [k, uri] of Object.entries(v as Record<string, unknown>))
          if (typeof uri !== 'string' || !uri.startsWith('/2010-04-01/')) out.push(`${name}.${k}: not a URI`);
    } else if (p.type === 'integer' && !Number.isInteger(v))
      out.push(`${name}: ${JSON.stringify(v)} is not an integer`);
  }
  return out;
}

let sys: TestSystem;
beforeAll(async () => {
  sys = await startTestSystem();
});
afterAll(async () => {
  await sys?.stop();
});

/** A raw request through the real SDK (its request client, pointed at the stand-in): Twilio's own JSON. */
async function twilioJson(
  method: 'get' | 'post',
  resource: string,
  data?: Record<string, string>,
): Promise<Record<string, unknown>> {
  const { accountSid } = sys.ctx.config.twilio;
  const res = (await sys.ctx.twilio.request({
    method,
    uri: `https://api.twilio.com/2010-04-01/Accounts/${accountSid}/${resource}`,
    ...(data ? { data } : {}),
  })) as { statusCode: number; body: unknown };
  expect(res.statusCode, JSON.stringify(res.body)).toBeLessThan(300);
  return (typeof res.body === 'string' ? JSON.parse(res.body) : res.body) as Record<string, unknown>;
}

describe("the stand-in's resources match Twilio's API description", () => {
  it('Message', async () => {
    const message = await twilioJson('post', 'Messages.json', {
      To: '+966501234567',
      From: sys.ctx.config.twilio.from,
      Body: 'هل تم حل مشكلتك؟',
    });
    expect(mismatches('api.v2010.account.message', message)).toEqual([]);
  });

  it('Call, ringing and after it ended', async () => {
    const created = await twilioJson('post', 'Calls.json', {
      To: '+966501234567',
      From: '+966920000000',
      Url: `${sys.baseUrl}/voice/verify`,
    });
    expect(mismatches('api.v2010.account.call', created)).toEqual([]);
    expect(created).toMatchObject({
      status: 'ringing',
      duration: null,
      to_formatted: '+966 50 123 4567',
      from_formatted: '+966 9200 00000',
      parent_call_sid: null,
      price_unit: 'USD',
    });
    const sid = String(created.sid);
    await sys.ctx.sandbox?.calls.reject(sid, 'busy');
    const list = await twilioJson('get', `Calls.json?To=${encodeURIComponent('+966501234567')}`);
    const ended = (list.calls as Record<string, unknown>[]).find((c) => c.sid === sid) ?? {};
    expect(mismatches('api.v2010.account.call', ended)).toEqual([]);
    expect(ended).toMatchObject({ status: 'busy', duration: '0' });
    expect(ended.subresource_uris).toMatchObject({
      recordings: `/2010-04-01/Accounts/${sys.ctx.config.twilio.accountSid}/Calls/${sid}/Recordings.json`,
    });
  });
});
