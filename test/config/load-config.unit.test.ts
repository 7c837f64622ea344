import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES, ConfigError, loadConfig } from '../../src/config/index.js';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

const KEY = 'ab'.repeat(32);

describe('loadConfig', () => {
  it('starts in sandbox mode with safe defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config.twilio.mode).toBe('sandbox');
    expect(config.twilio.accountSid).toMatch(/^AC[0-9a-f]{32}$/);
    expect(config.port).toBe(3000);
    expect(config.publicBaseUrl).toBe('http://127.0.0.1:3000');
    expect(config.timeZone).toBe('Asia/Riyadh');
    expect(config.phoneDefaultRegion).toBe('SA');
    expect(config.redisUrl).toBeUndefined();
  });

  it('switches to live mode when real credentials are given, and requires a public URL then', () => {
    const env = {
      TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}`,
      TWILIO_AUTH_TOKEN: 'x'.repeat(32),
      ANSWER_LINK_SECRET: 's'.repeat(32),
      SECRETS_KEY: KEY,
    };
    expect(problems(env)).toEqual([
      expect.stringMatching(/^PUBLIC_BASE_URL: required when TWILIO_MODE=live/),
    ]);
    const config = loadConfig({ ...env, PUBLIC_BASE_URL: 'https://verisat.example.gov.sa/' });
    expect(config.twilio.mode).toBe('live');
    expect(config.publicBaseUrl).toBe('https://verisat.example.gov.sa');
  });

  it('names every bad variable at once', () => {
    const found = problems({
      PORT: 'eighty',
      TWILIO_ACCOUNT_SID: 'SK123',
      REDIS_URL: 'not a url',
      LOG_LEVEL: 'loud',
      PHONE_DEFAULT_REGION: 'sa',
    });
    const names = found.map((p) => p.split(':')[0]);
    expect(names).toEqual(
      expect.arrayContaining([
        'PORT',
        'TWILIO_ACCOUNT_SID',
        'REDIS_URL',
        'LOG_LEVEL',
        'PHONE_DEFAULT_REGION',
      ]),
    );
    expect(found.find((p) => p.startsWith('TWILIO_ACCOUNT_SID'))).toContain('AC followed by 32 hex digits');
  });

  it('rejects an unknown time zone', () => {
    expect(problems({ TIME_ZONE: 'Asia/Atlantis' })).toEqual([
      'TIME_ZONE: unknown time zone "Asia/Atlantis"',
    ]);
  });

  it('refuses a production start on the sandbox stand-in, even when asked for explicitly', () => {
    expect(
      problems({ NODE_ENV: 'production', ANSWER_LINK_SECRET: 's'.repeat(32), SECRETS_KEY: KEY })[0],
    ).toMatch(/^TWILIO_MODE:/);
    expect(
      problems({
        NODE_ENV: 'production',
        TWILIO_MODE: 'sandbox',
        ANSWER_LINK_SECRET: 's'.repeat(32),
        SECRETS_KEY: KEY,
      }),
    ).toEqual([
      'TWILIO_MODE: production needs live Twilio credentials; the sandbox stand-in is for development and tests only',
    ]);
  });

  it('refuses a production start without a secret for answer links', () => {
    expect(
      problems({
        NODE_ENV: 'production',
        TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}`,
        TWILIO_AUTH_TOKEN: 'x'.repeat(32),
        PUBLIC_BASE_URL: 'https://verisat.example.gov.sa',
        SECRETS_KEY: KEY,
      }),
    ).toEqual([
      'ANSWER_LINK_SECRET: required in production and with live Twilio credentials (signs the answer links sent to citizens)',
    ]);
  });

  it('refuses live credentials without a secret of their own, whatever NODE_ENV says', () => {
    const live = {
      TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}`,
      TWILIO_AUTH_TOKEN: 'x'.repeat(32),
      PUBLIC_BASE_URL: 'https://verisat.example.gov.sa',
      SECRETS_KEY: KEY,
    };
    // NODE_ENV unset (development) is how the probe started it: live links signed by the public secret.
    expect(problems(live)).toEqual([
      expect.stringMatching(/^ANSWER_LINK_SECRET: required in production and with live/),
    ]);
    expect(problems({ ...live, NODE_ENV: 'test' })).toHaveLength(1);
    // The development secret is in this repository for anyone to read.
    expect(problems({ ...live, ANSWER_LINK_SECRET: loadConfig({}).followUp.answerLinkSecret })).toEqual([
      'ANSWER_LINK_SECRET: the public development secret cannot sign live answer links',
    ]);
    expect(loadConfig({ ...live, ANSWER_LINK_SECRET: 'k'.repeat(40) }).twilio.mode).toBe('live');
  });

  it('requires a key of its own for stored secrets in live mode and production, and derives one otherwise', () => {
    const live = {
      TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}`,
      TWILIO_AUTH_TOKEN: 'x'.repeat(32),
      PUBLIC_BASE_URL: 'https://verisat.example.gov.sa',
      ANSWER_LINK_SECRET: 'k'.repeat(40),
    };
    expect(problems(live)).toEqual([
      expect.stringMatching(/^SECRETS_KEY: required in production and with live/),
    ]);
    expect(problems({ ...live, SECRETS_KEY: 'short' })[0]).toMatch(/^SECRETS_KEY: 32 bytes/);
    expect(loadConfig({ ...live, SECRETS_KEY: KEY }).admin.secretsKey).toEqual(Buffer.from(KEY, 'hex'));
    expect(loadConfig({}).admin.secretsKey).toHaveLength(32);
    expect(loadConfig({}).admin.strictWebhookUrls).toBe(false);
    expect(loadConfig({ ...live, SECRETS_KEY: KEY }).admin.strictWebhookUrls).toBe(true);
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ REDIS_URL: '', PORT: '' }).redisUrl).toBeUndefined();
  });

  it('looks for java in JAVA_HOME/bin after PATH (mongo-java-server runs on it)', () => {
    const config = loadConfig({ PATH: '/usr/bin:/bin', JAVA_HOME: '/opt/jdk-17' });
    expect(config.binSearchPath).toEqual(['/usr/bin', '/bin', '/opt/jdk-17/bin']);
  });

  it('bounds the embedded mongo-java-server: 512m heap and an H2 commit before every reply by default', () => {
    expect(loadConfig({}).embeddedMongo).toEqual({ javaHeap: '512m', commitMs: 0 });
    expect(loadConfig({ MONGO_JAVA_HEAP: '2g', MONGO_COMMIT_MS: '200' }).embeddedMongo).toEqual({
      javaHeap: '2g',
      commitMs: 200,
    });
    expect(loadConfig({ MONGO_COMMIT_MS: '50' }).embeddedMongo.commitMs).toBe(50);
    expect(problems({ MONGO_JAVA_HEAP: '512' })[0]).toMatch(/^MONGO_JAVA_HEAP:/);
  });

  it('reads the contact policy: on by default, per-agency sampling rates, a place for prayer times', () => {
    const defaults = loadConfig({}).followUp.policy;
    expect(defaults).toMatchObject({
      sampleRate: 1,
      contactMinDays: 30,
      prayerCity: 'riyadh',
      ramadanSendWindow: '10:00-17:00',
    });
    // Derived from (and as secret as) the answer-link secret, yet not the same key.
    const keyed = loadConfig({ ANSWER_LINK_SECRET: 'a'.repeat(40) }).followUp.policy.samplingKey;
    expect(keyed).not.toBe(defaults.samplingKey);
    expect(keyed).not.toContain('a'.repeat(40));
    expect(loadConfig({ SAMPLING_KEY: 'k'.repeat(32) }).followUp.policy.samplingKey).toBe('k'.repeat(32));
    const rates = loadConfig({ AGENCY_SAMPLE_RATES: 'momrah=0.25, moh = 1' }).followUp.policy
      .agencySampleRates;
    expect([...rates]).toEqual([
      ['momrah', 0.25],
      ['moh', 1],
    ]);
    expect(problems({ AGENCY_SAMPLE_RATES: 'momrah=1.5' })[0]).toMatch(/^AGENCY_SAMPLE_RATES:/);
    // Codes as the events API takes them (dots included), kept as written: codes compare exactly.
    expect([
      ...loadConfig({ AGENCY_SAMPLE_RATES: 'Ev.Only=0.5,SMPL=1' }).followUp.policy.agencySampleRates,
    ]).toEqual([
      ['Ev.Only', 0.5],
      ['SMPL', 1],
    ]);
    expect(problems({ AGENCY_SAMPLE_RATES: 'smpl=0.5,SMPL=1' })).toEqual([
      'AGENCY_SAMPLE_RATES: "SMPL=1": "SMPL" and "smpl" differ only in case; agency codes are compared exactly, so name the agency once, as its ticket events spell it',
    ]);
    expect(problems({ AGENCY_SAMPLE_RATES: '<b>=0.5' })[0]).toMatch(/"<b>" is not an agency code/);
    expect(problems({ AGENCY_SAMPLE_RATES: 'moh=0.5,' })[0]).toMatch(/is not agency=rate/);
    expect(problems({ PRAYER_CITY: 'atlantis' })[0]).toMatch(/^PRAYER_CITY: "atlantis" is neither a city/);
    expect(problems({ RAMADAN_SEND_WINDOW: '17:00-10:00' })).toEqual([
      'RAMADAN_SEND_WINDOW: send window "17:00-10:00" must start before it ends, within one day (a window over midnight is not supported)',
    ]);
    // Each of the send window's settings is named on its own, in the words the send window uses.
    expect(problems({ SEND_DAYS: 'sun-funday' })).toEqual([
      'SEND_DAYS: send days "sun-funday": "funday" is not a weekday name (mon, tue, wed, thu, fri, sat, sun)',
    ]);
    expect(problems({ SEND_WINDOW: '21:00-09:00' })[0]).toMatch(
      /^SEND_WINDOW: send window "21:00-09:00" must start/,
    );
  });
});

describe('the sandbox credentials are documented', () => {
  it('gives the stand-in account and auth token, as configured, in the README and .env.example', () => {
    const { accountSid, authToken } = loadConfig({}).twilio;
    for (const file of ['README.md', '.env.example']) {
      const text = readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');
      expect(text, file).toContain(authToken);
      expect(text, file).toContain(accountSid);
    }
  });
});

describe('.env.example', () => {
  // A variable line, set (`NAME=value`) or shown unset (`# NAME=`); any other `#` line is a comment.
  const VARIABLE = /^(?:#\s*)?([A-Z][A-Z0-9_]*)=/;
  const lines = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8').split('\n');

  it('names every variable the configuration reads, each under a comment that explains it', () => {
    const documented = new Map<string, number>();
    lines.forEach((line, i) => {
      const name = VARIABLE.exec(line)?.[1];
      if (name !== undefined && !documented.has(name)) documented.set(name, i);
    });
    const missing = CONFIG_VARIABLES.filter((name) => !documented.has(name));
    expect(missing, 'in the configuration, not in .env.example').toEqual([]);
    const uncommented = CONFIG_VARIABLES.filter((name) => {
      // Variables written together (HOST and PORT) share the comment above the first of them.
      let i = (documented.get(name) ?? 0) - 1;
      while (i >= 0 && VARIABLE.test(lines[i] ?? '')) i--;
      return !(lines[i] ?? '').startsWith('#');
    });
    expect(uncommented, 'without a comment above them in .env.example').toEqual([]);
  });

  it('names nothing the configuration does not read', () => {
    const unknown = lines
      .map((line) => VARIABLE.exec(line)?.[1])
      .filter((name): name is string => name !== undefined && !CONFIG_VARIABLES.includes(name));
    expect(unknown, 'in .env.example, unknown to the configuration').toEqual([]);
  });
});
