import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';
import { maskPhone } from './phone-mask.js';

export type { Logger };

export { maskPhone };

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

const JSON_STRING = /"(?:[^"\\]|\\.)*"/g;
// eslint-disable-next-line no-control-regex -- any character outside ASCII may fold to a digit
const MAYBE_DIGIT = /[0-9]|[^\x00-\x7F]/;

/** Masks the numbers inside every string of one serialised JSON line, leaving its shape intact. */
function maskJsonStrings(line: string): string {
  if (!MAYBE_DIGIT.test(line)) return line;
  return line.replace(JSON_STRING, (literal) => {
    if (!MAYBE_DIGIT.test(literal)) return literal;
    const value = JSON.parse(literal) as string;
    const masked = maskPhone(value);
    return masked === value ? literal : JSON.stringify(masked);
  });
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
          // Every string argument, so a printf-style '%s' cannot carry a number past the mask.
          const masked = args.map((a: unknown) => (typeof a === 'string' ? maskPhone(a) : a));
          return method.apply(this, masked as Parameters<typeof method>);
        },
        // Last line of defence: whatever reached the line by a path not scrubbed above (an error's
        // own fields, a key, a nested cause), every JSON string in it is masked before it is written.
        streamWrite: maskJsonStrings,
      },
      serializers: {
        // Callers pass an Error, but a string or a plain value (an error's message) must log too:
        // a logger that throws here takes down the process that was only reporting a problem.
        // Every field is scrubbed: a duplicate-key error carries the number in keyValue and errmsg.
        err: (err: unknown) =>
          err instanceof Error ? scrub({ ...pino.stdSerializers.err(err) }, 0) : scrub(err, 0),
      },
    },
    opts.pretty ? prettyStream(opts.destination) : (opts.destination ?? process.stdout),
  );
}
