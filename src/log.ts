import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

// Anything that looks like a phone number (7+ digits, optional +, spaces or dashes, whatsapp: prefix),
// but not digits inside a longer word such as a request id (UUIDs have dash-separated digit runs).
const PHONE_PATTERN =
  /(?<![A-Za-z0-9]|[A-Za-z0-9]-)(?:whatsapp:)?\+?\d[\d\s-]{6,}\d(?![A-Za-z0-9]|-[A-Za-z0-9])/g;

/** Keeps the country code and the last two digits, so support can still tell numbers apart. */
export function maskPhone(value: string): string {
  return value.replace(PHONE_PATTERN, (match) => {
    const digits = match.replace(/\D/g, '');
    const plus = match.includes('+') ? '+' : '';
    const prefix = match.startsWith('whatsapp:') ? 'whatsapp:' : '';
    const keepHead = Math.min(3, Math.max(0, digits.length - 6));
    return `${prefix}${plus}${digits.slice(0, keepHead)}${'•'.repeat(digits.length - keepHead - 2)}${digits.slice(-2)}`;
  });
}

const SECRET_KEYS = new Set([
  'authorization',
  'authtoken',
  'password',
  'token',
  'cookie',
  'x-twilio-signature',
]);

function scrub(value: unknown, depth: number): unknown {
  if (depth > 6) return '[depth]';
  if (typeof value === 'string') return maskPhone(value);
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  if (value instanceof Error) return value;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      out[key] = SECRET_KEYS.has(key.toLowerCase()) ? '[redacted]' : scrub(v, depth + 1);
    }
    return out;
  }
  return value;
}

/**
 * Short human lines for a developer's terminal (LOG_FORMAT=pretty, the default in development).
 * It formats the lines pino has already serialised, so phone masking and redaction apply first.
 */
function prettyStream(destination: NodeJS.WritableStream | undefined): NodeJS.WritableStream {
  return pretty({
    destination: destination ?? process.stdout,
    colorize: destination === undefined && process.stdout.isTTY,
    translateTime: 'SYS:HH:MM:ss',
    ignore: 'pid,hostname,name',
    singleLine: true,
    sync: true,
  });
}

export function createLogger(opts: {
  level: string;
  name?: string;
  destination?: NodeJS.WritableStream;
  /** Human lines instead of JSON lines (development only; JSON is the production format). */
  pretty?: boolean;
}): Logger {
  return pino(
    {
      name: opts.name ?? 'verisat',
      level: opts.level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      // Phone numbers and secrets must never reach a log line, whatever a caller passes in.
      formatters: { log: (obj) => scrub(obj, 0) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          const [first, ...rest] = args;
          if (typeof first === 'string') return method.apply(this, [maskPhone(first), ...rest]);
          if (typeof rest[0] === 'string') {
            const [msg, ...more] = rest;
            return method.apply(this, [first, maskPhone(msg), ...more] as Parameters<typeof method>);
          }
          return method.apply(this, args);
        },
      },
      serializers: {
        // Callers pass an Error, but a string or a plain value (an error's message) must log too:
        // a logger that throws here takes down the process that was only reporting a problem.
        err: (err: unknown) => {
          if (!(err instanceof Error)) return scrub(err, 0);
          const s = pino.stdSerializers.err(err);
          return {
            ...s,
            message: maskPhone(String(s.message ?? '')),
            ...(s.stack ? { stack: maskPhone(s.stack) } : {}),
          };
        },
      },
    },
    opts.pretty ? prettyStream(opts.destination) : (opts.destination ?? process.stdout),
  );
}
