import { createHash, createHmac } from 'node:crypto';
import { z } from 'zod';
import { clusterAddress, parseClusterNodes } from './queue/connection.js';
import { placeOf } from './followup/schedule/prayer-times.js';
import { parseHours, parseSendWindow } from './followup/schedule/send-window.js';
import { SANDBOX_TEMPLATES } from './twilio/stand-in/content-sids.js';

/**
 * The one reader of `process.env`. Everything else receives a typed `Config`, so tests can build one
 * from a plain object and nothing changes behaviour behind the code's back.
 */

const SANDBOX_ACCOUNT_SID = 'AC00000000000000000000000000000000';
const SANDBOX_AUTH_TOKEN = 'sandbox-auth-token-0000000000000000';

const booleanish = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const optionalUrl = z.url().optional();

const FOLLOWUP_CHANNEL_NAMES = ['sms', 'whatsapp', 'voice'] as const;
type FollowUpChannelName = (typeof FOLLOWUP_CHANNEL_NAMES)[number];

/** `ar:HX…,en:HX…`: an approved WhatsApp template (Content SID) per language. */
const templateList = z.string().transform((v, c) => {
  const out: Partial<Record<'ar' | 'en', string>> = {};
  for (const part of v
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)) {
    const m = /^(ar|en):(HX[0-9a-fA-F]{32})$/.exec(part);
    if (!m) {
      c.addIssue({ code: 'custom', message: `"${part}" is not language:ContentSid (ar:HX… or en:HX…)` });
      return z.NEVER;
    }
    out[m[1] as 'ar' | 'en'] = m[2];
  }
  return out;
});

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_BASE_URL: optionalUrl,
  TRUST_PROXY: z
    .string()
    .trim()
    .regex(
      /^[0-9A-Za-z.:/, -]+$/,
      'addresses, CIDR ranges or loopback/linklocal/uniquelocal, comma-separated',
    )
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),

  REDIS_URL: optionalUrl,
  REDIS_CLUSTER_NODES: z.string().optional(),
  MONGODB_URI: optionalUrl,
  DATA_DIR: z.string().default('.data'),
  MONGO_JAVA_HEAP: z
    .string()
    .regex(/^[1-9]\d*[kmgKMG]$/, 'a JVM size such as 512m or 2g')
    .default('512m'),
  MONGO_COMMIT_MS: z.coerce.number().int().min(0).max(10_000).default(0),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_{}-]+$/, 'letters, digits, _ - { } only (use {name} for a Redis Cluster hash tag)')
    .default('verisat'),

  TWILIO_MODE: z.enum(['sandbox', 'live']).optional(),
  TWILIO_ACCOUNT_SID: z
    .string()
    .regex(/^AC[0-9a-fA-F]{32}$/, 'must look like AC followed by 32 hex digits')
    .optional(),
  TWILIO_AUTH_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  TWILIO_FROM: z.string().default('+966920000000'),
  TWILIO_WHATSAPP_FROM: z.string().default('whatsapp:+966920000000'),
  TWILIO_VOICE_FROM: z
    .string()
    .regex(/^\+[1-9]\d{6,14}$/, 'an E.164 number')
    .optional(),
  FOLLOWUP_CHANNELS: z
    .string()
    .default('sms')
    .transform((v, c) => {
      const list = v
        .split(',')
        .map((x) => x.trim().toLowerCase())
        .filter(Boolean);
      const bad = list.filter((x) => !(FOLLOWUP_CHANNEL_NAMES as readonly string[]).includes(x));
      if (list.length === 0 || bad.length > 0 || new Set(list).size !== list.length) {
        c.addIssue({ code: 'custom', message: 'a comma-separated order of sms, whatsapp, voice, each once' });
        return z.NEVER;
      }
      return list as FollowUpChannelName[];
    }),
  CHANNEL_WAIT_HOURS: z.coerce
    .number()
    .min(0)
    .max(24 * 14)
    .default(24),
  WHATSAPP_TEMPLATES: templateList.default({ ...SANDBOX_TEMPLATES.followUp }),
  WHATSAPP_RESUME_TEMPLATES: templateList.default({ ...SANDBOX_TEMPLATES.resume }),
  TWILIO_MESSAGING_SERVICE_SID: z
    .string()
    .regex(/^MG[0-9a-fA-F]{32}$/, 'must look like MG followed by 32 hex digits')
    .optional(),
  SANDBOX_API_URL: optionalUrl,
  SANDBOX_STATUS_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(200),
  SANDBOX_MAX_MESSAGES: z.coerce.number().int().min(100).max(10_000_000).default(100_000),
  TWILIO_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),

  PHONE_DEFAULT_REGION: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be a two-letter ISO country code')
    .default('SA'),
  TIME_ZONE: z.string().default('Asia/Riyadh'),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
  ANSWER_PAGE_GUESSES: z.coerce.number().int().min(1).max(100_000).default(30),
  AUTO_REPLIES_PER_DAY: z.coerce.number().int().min(0).max(1000).default(5),
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  RUN_WORKERS_IN_WEB: booleanish.default(true),
  FOLLOWUP_DELAY_HOURS: z.coerce
    .number()
    .min(0)
    .max(24 * 60)
    .default(72),
  /** Closures older than this when they would be asked are not asked (unset: the delay + 72 h). */
  FOLLOWUP_MAX_AGE_HOURS: z.coerce
    .number()
    .min(1)
    .max(24 * 3660)
    .optional(),
  SEND_WINDOW: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$/, 'HH:MM-HH:MM, e.g. 09:00-21:00')
    .default('09:00-21:00'),
  SEND_DAYS: z.string().default('all'),
  REMINDER_AFTER_HOURS: z.coerce
    .number()
    .min(0)
    .max(24 * 30)
    .default(24),
  EXPIRE_AFTER_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 90)
    .default(168),
  SMS_RATE_PER_SECOND: z.coerce.number().int().min(1).max(10_000).default(10),
  FOLLOWUP_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(20),
  SAMPLE_RATE: z.coerce.number().min(0).max(1).default(1),
  // Read by parseAgencySampleRates: each code must be one the events API accepts.
  AGENCY_SAMPLE_RATES: z.string().default(''),
  SAMPLING_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  CONTACT_MIN_DAYS: z.coerce.number().min(0).max(365).default(30),
  INTEGRITY_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  CHAIN_CHECKPOINT_EVERY: z.coerce.number().int().min(1).max(100_000).default(100),
  REOPEN_WINDOW_DAYS: z.coerce.number().int().min(1).max(365).default(7),
  PRAYER_CITY: z.string().default('riyadh'),
  PRAYER_PAUSE_BEFORE_MINUTES: z.coerce.number().int().min(0).max(60).default(5),
  PRAYER_PAUSE_AFTER_MINUTES: z.coerce.number().int().min(0).max(120).default(30),
  RAMADAN_SEND_WINDOW: z
    .string()
    .regex(/^(off|([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d)$/, 'HH:MM-HH:MM, or off')
    .default('10:00-17:00'),
  ANSWER_LINK_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  ANSWER_LINK_TTL_HOURS: z.coerce
    .number()
    .min(1)
    .max(24 * 90)
    .default(24 * 14),
  RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(30_000),
  DISPUTE_RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(5_000),
  DISPUTE_WEBHOOK_GRACE_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
  WORKER_LOCK_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  REPORT_MIN_N: z.coerce.number().int().min(1).max(10_000).default(10),
  REPORT_MAX_RANGE_DAYS: z.coerce.number().int().min(1).max(3660).default(366),
  PUBLIC_SCOREBOARD: booleanish.default(true),
  SUMS_REPAIR_AFTER_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  SESSION_TTL_HOURS: z.coerce
    .number()
    .min(0.25)
    .max(24 * 30)
    .default(8),
  LOGIN_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(1000).default(10),
  API_TOKEN_CACHE_SECONDS: z.coerce.number().min(0).max(300).default(10),
  LOGIN_WINDOW_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(15),
  VOICE_AGENT_DIAL_TARGET: z.string().default('sip:agents@pbx.invalid'),
  VOICE_RETRY_MS: z.coerce.number().int().min(10).max(60_000).default(2_000),
  SECRETS_KEY: z
    .string()
    .regex(/^(?:[0-9a-fA-F]{64}|[A-Za-z0-9+/_-]{43}=?)$/, '32 bytes as 64 hex digits or base64')
    .optional(),
  INVITE_TTL_HOURS: z.coerce
    .number()
    .min(0.25)
    .max(24 * 30)
    .default(72),
  WEBHOOK_SECRET_OVERLAP_HOURS: z.coerce
    .number()
    .min(0)
    .max(24 * 30)
    .default(24),
  PATH: z.string().default('/usr/local/bin:/usr/bin:/bin'),
  JAVA_HOME: z.string().optional(),

  // Issue 16: metrics (src/http/metrics.ts) and retention (src/retention/).
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  METRICS_WINDOW_HOURS: z.coerce
    .number()
    .min(1)
    .max(24 * 31)
    .default(24),
  METRICS_CACHE_SECONDS: z.coerce.number().min(0).max(3600).default(15),
  RETENTION_PHONE_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
  RETENTION_RECORDING_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  RETENTION_COMMENT_DAYS: z.coerce.number().int().min(1).max(3650).default(180),
  RETENTION_EVERY_HOURS: z.coerce
    .number()
    .min(0.01)
    .max(24 * 7)
    .default(24),
});

export type RawEnv = Record<string, string | undefined>;

export interface Config {
  env: 'development' | 'test' | 'production';
  host: string;
  port: number;
  /** The URL Twilio (and citizens) reach us at; webhook signatures are validated against it. */
  publicBaseUrl: string;
  /**
   * Proxies whose X-Forwarded-For / -Proto are believed (Express `trust proxy`); none by default,
   * so a client cannot choose its own address for rate limits and the audit log.
   */
  trustProxy: string | undefined;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  /** JSON lines (production, and tests) or short human lines (development's default). */
  logFormat: 'json' | 'pretty';
  /** A `redis://` URL, or a `redis-cluster://host:port,...` list made from REDIS_CLUSTER_NODES. */
  redisUrl: string | undefined;
  mongodbUri: string | undefined;
  dataDir: string;
  /** mongo-java-server, started when neither MONGODB_URI nor mongod is there. */
  embeddedMongo: {
    /** The JVM's -Xmx: the JVM takes all it is allowed, so it is bounded. */
    javaHeap: string;
    /** How often the H2 store is committed (what a crash of it can lose); 0: before every reply. */
    commitMs: number;
  };
  queuePrefix: string;
  twilio: {
    mode: 'sandbox' | 'live';
    accountSid: string;
    authToken: string;
    from: string;
    whatsappFrom: string;
    /** Caller ID of outbound verification calls (a number verified on the account). */
    voiceFrom: string;
    messagingServiceSid: string | undefined;
    /** Where the SDK's requests go in sandbox mode: the stand-in mounted in the web process. */
    sandboxApiUrl: string;
    sandboxStatusDelayMs: number;
    /** How many messages the stand-in keeps for its inbox and list API; the oldest go first. */
    sandboxMaxMessages: number;
    /** How long one Twilio API request may take before the SDK gives up (then the send is retried). */
    timeoutMs: number;
  };
  phoneDefaultRegion: string;
  timeZone: string;
  shutdownGraceMs: number;
  /**
   * How long a client may take to send a whole request, and its headers: a body trickled in a byte
   * at a time would otherwise hold a connection (and a slot) for minutes.
   */
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  runWorkersInWeb: boolean;
  followUp: {
    delayHours: number;
    /**
     * The oldest a closure may be when it is asked; older ones are counted "too old to ask". Null:
     * each agency's own delay plus MAX_AGE_MARGIN_HOURS (admin/agency-rules.ts).
     */
    maxAgeHours: number | null;
    sendWindow: string;
    sendDays: string;
    reminderAfterHours: number;
    expireAfterHours: number;
    /** The channel order of an agency the directory does not configure (followup/channels/plan.ts). */
    channels: FollowUpChannelName[];
    /** How long an unanswered channel waits before the next one is tried. */
    channelWaitHours: number;
    /** Approved WhatsApp templates (Content SIDs) per language: the question, and the link to go on. */
    whatsappTemplates: Partial<Record<'ar' | 'en', string>>;
    whatsappResumeTemplates: Partial<Record<'ar' | 'en', string>>;
    smsRatePerSecond: number;
    /**
     * Follow-up jobs one worker process runs at once. Sends wait on Twilio most of their time, and
     * the sends in flight together share their database commands (followup/send/send-batches.ts).
     */
    concurrency: number;
    answerLinkSecret: string;
    /** Invalid answer links one address may try in 15 minutes before the page answers 429. */
    answerPageGuesses: number;
    /** Automatic answers outside a conversation (HELP, START, "nothing open"…) one number gets a day. */
    autoRepliesPerDay: number;
    answerLinkTtlHours: number;
    /** First retry delay of a failed send (doubles each attempt). */
    retryBaseMs: number;
    disputeRetryBaseMs: number;
    /**
     * How long a dispute webhook waits after "not solved" for the rating and reason the citizen is
     * giving; it goes at once when the conversation ends, and with what is known after this.
     */
    disputeGraceMs: number;
    /** Who is asked (followup/schedule/contact-policy.ts) and when (followup/schedule/window-config.ts). */
    policy: {
      sampleRate: number;
      agencySampleRates: ReadonlyMap<string, number>;
      /** Keys the sampling draw: without it nobody can predict who is asked; with it an auditor can. */
      samplingKey: string;
      contactMinDays: number;
      /** A city of the prayer-times table, "latitude,longitude", or "none". */
      prayerCity: string;
      prayerPauseBeforeMinutes: number;
      prayerPauseAfterMinutes: number;
      /** "HH:MM-HH:MM" used instead of the send window's hours during Ramadan, or "off". */
      ramadanSendWindow: string;
    };
  };
  voice: {
    /** Number or SIP address the IVR dials when the agent directory has none for the agent. */
    agentDialTarget: string;
    /** Interval between attempts to store an IVR answer while MongoDB is unreachable. */
    retryMs: number;
  };
  /** A job whose worker died is taken up again after this long (BullMQ lock and stall check). */
  workerLockMs: number;
  /** Tamper evidence and gaming signals (src/audit-chain, src/reports/integrity). */
  integrity: {
    /** HMAC key of the chains' checkpoints and of the device/network hashes on answers. */
    key: string;
    /** A keyed checkpoint every this many chain entries. */
    checkpointEvery: number;
    /** A closure reopened within this many days counts for the "reopened" integrity signal. */
    reopenDays: number;
  };
  reports: {
    /** Groups with fewer answers than this are flagged low_n and never ranked. */
    minN: number;
    /** Longest from..to span a report or export may ask for, in days. */
    maxRangeDays: number;
    /** Serve the per-agency public scoreboard at /public. */
    publicScoreboard: boolean;
    /**
     * The reconciler counts scores still pending in their daily sums this long after their last
     * write (a writer that crashed); younger ones most likely have their writer still counting them.
     */
    sumsRepairAfterMs: number;
  };
  auth: {
    sessionTtlHours: number;
    /** Failed logins allowed per username (and 5x that per client address) in each window. */
    loginMaxAttempts: number;
    loginWindowMinutes: number;
    /** How long a verified API token is trusted before MongoDB is asked again (0: every call). */
    apiTokenCacheMs: number;
  };
  admin: {
    /**
     * AES-256-GCM key for secrets stored in MongoDB (agencies' webhook secrets) and for CSRF tokens.
     * Development and tests derive a fixed public key; live mode and production require SECRETS_KEY.
     */
    secretsKey: Buffer;
    /** How long an invitation or password-reset link works. */
    inviteTtlHours: number;
    /** Default time both the old and the new webhook secret sign after a rotation. */
    webhookSecretOverlapHours: number;
    /**
     * Webhook URLs must be https and must not point at loopback, private or link-local addresses
     * (server-side request forgery): on in live mode and production.
     */
    strictWebhookUrls: boolean;
  };
  /** Where embedded services' binaries are looked for: PATH, then JAVA_HOME/bin (mongo-java-server). */
  binSearchPath: string[];
  metrics: {
    /** Bearer token for /metrics on the public port; without it live mode does not serve it there. */
    token: string | undefined;
    /** A loopback-only port serving /metrics without a token (each process its own port). */
    port: number | undefined;
    /** Messages and answers are counted over this recent window. */
    windowHours: number;
    /** MongoDB-derived figures are recomputed at most this often. */
    dbCacheMs: number;
  };
  /** Personal data is removed when older than these periods (Saudi PDPL); scores and counts stay. */
  retention: { phoneDays: number; recordingDays: number; commentDays: number; everyHours: number };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * The agency code pattern of ticket events (src/tickets/routes.ts): codes are trimmed and compared
 * exactly there, case included, so `moh` and `MOH` are two agencies and a rate is found by its code
 * as the events spell it.
 */
const AGENCY_CODE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * AGENCY_SAMPLE_RATES as `code=rate,…`. A code the events API would refuse, a rate outside 0–1, or
 * two entries whose codes differ only in case are refused: each would leave an agency at the
 * default rate without a word. Whether a code names an agency is checked at start-up against the
 * directory (checkAgencySampleRates in src/followup/schedule/contact-policy.ts).
 */
export function parseAgencySampleRates(raw: string): { rates: Map<string, number>; problems: string[] } {
  const rates = new Map<string, number>();
  const problems: string[] = [];
  const seen = new Map<string, string>();
  if (raw.trim() === '') return { rates, problems };
  for (const entry of raw.split(',')) {
    const [code = '', rate, ...extra] = entry.split('=').map((x) => x.trim());
    const where = `AGENCY_SAMPLE_RATES: "${entry.trim()}"`;
    if (rate === undefined || extra.length > 0) {
      problems.push(`${where} is not agency=rate (e.g. momrah=0.25,moh=1)`);
      continue;
    }
    if (!AGENCY_CODE.test(code)) {
      problems.push(
        `${where}: "${code}" is not an agency code (1–64 letters, digits, . _ -, starting with a letter or digit)`,
      );
      continue;
    }
    if (!/^(0(\.\d+)?|1(\.0+)?)$/.test(rate)) {
      problems.push(`${where}: the rate must be a number from 0 to 1`);
      continue;
    }
    const other = seen.get(code.toLowerCase());
    if (other !== undefined) {
      problems.push(
        other === code
          ? `${where}: agency "${code}" is given twice`
          : `${where}: "${code}" and "${other}" differ only in case; agency codes are compared exactly, so name the agency once, as its ticket events spell it`,
      );
      continue;
    }
    seen.set(code.toLowerCase(), code);
    rates.set(code, Number(rate));
  }
  return { rates, problems };
}

function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Signs answer links in development and tests only; public, so live mode refuses it. */
const DEVELOPMENT_ANSWER_LINK_SECRET = 'development-only-answer-link-secret-0000';

/** Development and tests only (live mode and production refuse to start without SECRETS_KEY). */
const DEVELOPMENT_SECRETS_KEY = createHash('sha256').update('verisat development secrets key').digest();

function secretsKeyOf(raw: string | undefined): Buffer {
  if (raw === undefined) return DEVELOPMENT_SECRETS_KEY;
  return /^[0-9a-fA-F]{64}$/.test(raw) ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64');
}

export function loadConfig(raw: RawEnv = process.env): Config {
  // Empty strings in .env files mean "not set", not "set to nothing".
  const cleaned = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`),
    );
  }
  const e = parsed.data;
  const problems: string[] = [];

  if (!isValidTimeZone(e.TIME_ZONE)) problems.push(`TIME_ZONE: unknown time zone "${e.TIME_ZONE}"`);
  else {
    try {
      parseSendWindow(e.SEND_WINDOW, e.SEND_DAYS, e.TIME_ZONE);
    } catch (err) {
      problems.push(`SEND_WINDOW/SEND_DAYS: ${err instanceof Error ? err.message : String(err)}`);
    }
    try {
      if (e.RAMADAN_SEND_WINDOW !== 'off') parseHours(e.RAMADAN_SEND_WINDOW);
    } catch (err) {
      problems.push(`RAMADAN_SEND_WINDOW: ${err instanceof Error ? err.message : String(err)}`);
    }
    try {
      placeOf(e.PRAYER_CITY);
    } catch (err) {
      problems.push(`PRAYER_CITY: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  const hasCredentials = e.TWILIO_ACCOUNT_SID !== undefined && e.TWILIO_AUTH_TOKEN !== undefined;
  const mode = e.TWILIO_MODE ?? (hasCredentials ? 'live' : 'sandbox');
  if (mode === 'live') {
    if (e.TWILIO_ACCOUNT_SID === undefined)
      problems.push('TWILIO_ACCOUNT_SID: required when TWILIO_MODE=live');
    if (e.TWILIO_AUTH_TOKEN === undefined) problems.push('TWILIO_AUTH_TOKEN: required when TWILIO_MODE=live');
    if (e.PUBLIC_BASE_URL === undefined)
      problems.push('PUBLIC_BASE_URL: required when TWILIO_MODE=live (Twilio signs webhooks against it)');
  }
  // The stand-in answers with well-known credentials and lists every message it "sent", numbers and
  // answer links included: it is for development and tests, never for production.
  if (e.NODE_ENV === 'production' && mode === 'sandbox') {
    problems.push(
      'TWILIO_MODE: production needs live Twilio credentials; the sandbox stand-in is for development and tests only',
    );
  }
  // Whatever NODE_ENV says: live credentials mean real citizens get links, and a link signed with a
  // secret anyone can read in this repository can be forged for any follow-up.
  if ((e.NODE_ENV === 'production' || mode === 'live') && e.ANSWER_LINK_SECRET === undefined) {
    problems.push(
      'ANSWER_LINK_SECRET: required in production and with live Twilio credentials (signs the answer links sent to citizens)',
    );
  }
  if (mode === 'live' && e.ANSWER_LINK_SECRET === DEVELOPMENT_ANSWER_LINK_SECRET) {
    problems.push('ANSWER_LINK_SECRET: the public development secret cannot sign live answer links');
  }
  if (e.NODE_ENV === 'production' && e.LOG_FORMAT === 'pretty') {
    problems.push('LOG_FORMAT: production logs are JSON lines (pretty is for a developer terminal)');
  }
  // Webhook secrets are encrypted with it: a key anyone can read in this repository protects nothing.
  if ((e.NODE_ENV === 'production' || mode === 'live') && e.SECRETS_KEY === undefined) {
    problems.push(
      "SECRETS_KEY: required in production and with live Twilio credentials (encrypts agencies' webhook secrets)",
    );
  }
  // Values written in this repository are nobody's secret: named, never echoed.
  if (e.NODE_ENV === 'production' || mode === 'live') {
    if (e.SECRETS_KEY !== undefined && secretsKeyOf(e.SECRETS_KEY).equals(DEVELOPMENT_SECRETS_KEY))
      problems.push(
        'SECRETS_KEY: is the public development key; generate one of your own (openssl rand -hex 32)',
      );
    if (e.TWILIO_ACCOUNT_SID === SANDBOX_ACCOUNT_SID)
      problems.push(
        "TWILIO_ACCOUNT_SID: is the sandbox stand-in's public account SID, not a Twilio account's",
      );
    if (e.TWILIO_AUTH_TOKEN === SANDBOX_AUTH_TOKEN)
      problems.push("TWILIO_AUTH_TOKEN: is the sandbox stand-in's public auth token, not a Twilio account's");
  }
  const agencySampleRates = parseAgencySampleRates(e.AGENCY_SAMPLE_RATES);
  problems.push(...agencySampleRates.problems);
  let redisAddress = e.REDIS_URL;
  if (e.REDIS_CLUSTER_NODES) {
    try {
      redisAddress = clusterAddress(parseClusterNodes(e.REDIS_CLUSTER_NODES));
    } catch (err) {
      problems.push(`REDIS_CLUSTER_NODES: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (e.REDIS_URL) problems.push('REDIS_CLUSTER_NODES: set it or REDIS_URL, not both');
    // BullMQ's scripts touch several keys of a queue at once; on a cluster they must share a slot.
    if (!/\{[^{}]+\}/.test(e.QUEUE_PREFIX))
      problems.push('QUEUE_PREFIX: a Redis Cluster needs a hash-tagged prefix such as {verisat}');
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const publicBaseUrl = (e.PUBLIC_BASE_URL ?? `http://${e.HOST}:${e.PORT}`).replace(/\/+$/, '');

  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    publicBaseUrl,
    trustProxy: e.TRUST_PROXY,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT ?? (e.NODE_ENV === 'development' ? 'pretty' : 'json'),
    redisUrl: redisAddress,
    mongodbUri: e.MONGODB_URI,
    dataDir: e.DATA_DIR,
    embeddedMongo: { javaHeap: e.MONGO_JAVA_HEAP, commitMs: e.MONGO_COMMIT_MS },
    queuePrefix: e.QUEUE_PREFIX,
    twilio: {
      mode,
      accountSid:
        mode === 'live' ? (e.TWILIO_ACCOUNT_SID ?? '') : (e.TWILIO_ACCOUNT_SID ?? SANDBOX_ACCOUNT_SID),
      authToken: mode === 'live' ? (e.TWILIO_AUTH_TOKEN ?? '') : (e.TWILIO_AUTH_TOKEN ?? SANDBOX_AUTH_TOKEN),
      from: e.TWILIO_FROM,
      whatsappFrom: e.TWILIO_WHATSAPP_FROM,
      voiceFrom: e.TWILIO_VOICE_FROM ?? e.TWILIO_FROM,
      messagingServiceSid: e.TWILIO_MESSAGING_SERVICE_SID,
      sandboxApiUrl: (e.SANDBOX_API_URL ?? `http://127.0.0.1:${e.PORT}`).replace(/\/+$/, ''),
      sandboxStatusDelayMs: e.SANDBOX_STATUS_DELAY_MS,
      sandboxMaxMessages: e.SANDBOX_MAX_MESSAGES,
      timeoutMs: e.TWILIO_TIMEOUT_MS,
    },
    phoneDefaultRegion: e.PHONE_DEFAULT_REGION,
    timeZone: e.TIME_ZONE,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
    headersTimeoutMs: Math.min(e.HEADERS_TIMEOUT_MS, e.REQUEST_TIMEOUT_MS),
    runWorkersInWeb: e.RUN_WORKERS_IN_WEB,
    followUp: {
      delayHours: e.FOLLOWUP_DELAY_HOURS,
      maxAgeHours: e.FOLLOWUP_MAX_AGE_HOURS ?? null,
      sendWindow: e.SEND_WINDOW,
      sendDays: e.SEND_DAYS,
      reminderAfterHours: e.REMINDER_AFTER_HOURS,
      expireAfterHours: e.EXPIRE_AFTER_HOURS,
      channels: e.FOLLOWUP_CHANNELS,
      channelWaitHours: e.CHANNEL_WAIT_HOURS,
      // The stand-in's template SIDs mean nothing at Twilio: live mode uses only the ones it is given.
      whatsappTemplates: mode === 'live' && !cleaned.WHATSAPP_TEMPLATES ? {} : e.WHATSAPP_TEMPLATES,
      whatsappResumeTemplates:
        mode === 'live' && !cleaned.WHATSAPP_RESUME_TEMPLATES ? {} : e.WHATSAPP_RESUME_TEMPLATES,
      smsRatePerSecond: e.SMS_RATE_PER_SECOND,
      concurrency: e.FOLLOWUP_CONCURRENCY,
      // Development and tests only: production refuses to start without a real secret (above).
      answerLinkSecret: e.ANSWER_LINK_SECRET ?? DEVELOPMENT_ANSWER_LINK_SECRET,
      answerPageGuesses: e.ANSWER_PAGE_GUESSES,
      autoRepliesPerDay: e.AUTO_REPLIES_PER_DAY,
      answerLinkTtlHours: e.ANSWER_LINK_TTL_HOURS,
      retryBaseMs: e.RETRY_BASE_MS,
      disputeRetryBaseMs: e.DISPUTE_RETRY_BASE_MS,
      disputeGraceMs: e.DISPUTE_WEBHOOK_GRACE_SECONDS * 1000,
      policy: {
        sampleRate: e.SAMPLE_RATE,
        agencySampleRates: agencySampleRates.rates,
        // Derived from the answer-link secret when not set: as secret as it is, and required with it.
        samplingKey:
          e.SAMPLING_KEY ??
          createHmac('sha256', e.ANSWER_LINK_SECRET ?? DEVELOPMENT_ANSWER_LINK_SECRET)
            .update('verisat sampling key')
            .digest('hex'),
        contactMinDays: e.CONTACT_MIN_DAYS,
        prayerCity: e.PRAYER_CITY.trim().toLowerCase(),
        prayerPauseBeforeMinutes: e.PRAYER_PAUSE_BEFORE_MINUTES,
        prayerPauseAfterMinutes: e.PRAYER_PAUSE_AFTER_MINUTES,
        ramadanSendWindow: e.RAMADAN_SEND_WINDOW,
      },
    },
    workerLockMs: e.WORKER_LOCK_MS,
    integrity: {
      // Derived from the answer-link secret when not set, as the sampling key is.
      key:
        e.INTEGRITY_KEY ??
        createHmac('sha256', e.ANSWER_LINK_SECRET ?? DEVELOPMENT_ANSWER_LINK_SECRET)
          .update('verisat integrity key')
          .digest('hex'),
      checkpointEvery: e.CHAIN_CHECKPOINT_EVERY,
      reopenDays: e.REOPEN_WINDOW_DAYS,
    },
    voice: { agentDialTarget: e.VOICE_AGENT_DIAL_TARGET, retryMs: e.VOICE_RETRY_MS },
    reports: {
      minN: e.REPORT_MIN_N,
      maxRangeDays: e.REPORT_MAX_RANGE_DAYS,
      publicScoreboard: e.PUBLIC_SCOREBOARD,
      sumsRepairAfterMs: e.SUMS_REPAIR_AFTER_SECONDS * 1000,
    },
    auth: {
      sessionTtlHours: e.SESSION_TTL_HOURS,
      loginMaxAttempts: e.LOGIN_MAX_ATTEMPTS,
      loginWindowMinutes: e.LOGIN_WINDOW_MINUTES,
      apiTokenCacheMs: Math.round(e.API_TOKEN_CACHE_SECONDS * 1000),
    },
    admin: {
      secretsKey: secretsKeyOf(e.SECRETS_KEY),
      inviteTtlHours: e.INVITE_TTL_HOURS,
      webhookSecretOverlapHours: e.WEBHOOK_SECRET_OVERLAP_HOURS,
      strictWebhookUrls: mode === 'live' || e.NODE_ENV === 'production',
    },
    binSearchPath: [...e.PATH.split(':'), ...(e.JAVA_HOME ? [`${e.JAVA_HOME}/bin`] : [])].filter(
      (p) => p !== '',
    ),
    metrics: {
      token: e.METRICS_TOKEN,
      port: e.METRICS_PORT,
      windowHours: e.METRICS_WINDOW_HOURS,
      dbCacheMs: Math.round(e.METRICS_CACHE_SECONDS * 1000),
    },
    retention: {
      phoneDays: e.RETENTION_PHONE_DAYS,
      recordingDays: e.RETENTION_RECORDING_DAYS,
      commentDays: e.RETENTION_COMMENT_DAYS,
      everyHours: e.RETENTION_EVERY_HOURS,
    },
  };
}
