/**
 * Recipient numbers the sandbox stand-in treats specially, so tests and demos can reach every
 * branch of the sending code. The +1 500 555 range follows Twilio's own test-credential numbers.
 */
export interface SyncFailure {
  kind: 'sync';
  httpStatus: number;
  code: number;
  message: string;
  /** Fail only the first N requests to this number, then accept (for retry tests). */
  failFirst?: number;
}
export interface AsyncFailure {
  kind: 'async';
  finalStatus: 'failed' | 'undelivered';
  code: number;
}

export const MAGIC_NUMBERS: Readonly<Record<string, SyncFailure | AsyncFailure>> = {
  '+15005550001': {
    kind: 'sync',
    httpStatus: 400,
    code: 21211,
    message: "The 'To' number is not a valid phone number.",
  },
  '+15005550004': {
    kind: 'sync',
    httpStatus: 400,
    code: 21610,
    message: 'Attempt to send to unsubscribed recipient',
  },
  '+15005550009': {
    kind: 'sync',
    httpStatus: 400,
    code: 21614,
    message: "'To' number is not a valid mobile number",
  },
  '+15005550429': { kind: 'sync', httpStatus: 429, code: 20429, message: 'Too Many Requests', failFirst: 2 },
  '+15005550500': {
    kind: 'sync',
    httpStatus: 503,
    code: 20500,
    message: 'Service Unavailable',
    failFirst: 2,
  },
  '+15005550599': { kind: 'sync', httpStatus: 503, code: 20500, message: 'Service Unavailable' },
  '+15005550030': { kind: 'async', finalStatus: 'undelivered', code: 30003 },
  '+15005550031': { kind: 'async', finalStatus: 'failed', code: 30005 },
  '+15005550036': { kind: 'async', finalStatus: 'undelivered', code: 30006 },
};

/** Numbers that fail on WhatsApp only: they take SMS and calls (a number without WhatsApp). */
const WHATSAPP_MAGIC_NUMBERS: Readonly<Record<string, AsyncFailure>> = {
  '+15005550063': { kind: 'async', finalStatus: 'failed', code: 63003 },
};

export function magicFor(to: string): SyncFailure | AsyncFailure | undefined {
  const number = to.replace(/^whatsapp:/, '');
  return (to.startsWith('whatsapp:') ? WHATSAPP_MAGIC_NUMBERS[number] : undefined) ?? MAGIC_NUMBERS[number];
}
