import { createHmac } from 'node:crypto';
import { isIP } from 'node:net';

/**
 * Where an answer-page answer came from, as keyed hashes only: the raw address and user agent are
 * never stored. The same device (address + user agent) or network (the /24 of an IPv4 address, the
 * /48 of an IPv6 one) gives the same hash under one key, so answers from one place for many citizens
 * can be counted, while the hash cannot be turned back into an address without the key.
 */
export interface AnswerOrigin {
  deviceHash: string;
  networkHash: string;
}

function networkOf(ip: string): string {
  const plain = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  if (isIP(plain) === 4) return plain.split('.').slice(0, 3).join('.');
  if (isIP(plain) === 6) return plain.toLowerCase().split(':').slice(0, 3).join(':');
  return plain;
}

export function keyedHash(key: string, kind: string, value: string): string {
  return createHmac('sha256', key).update(`${kind}\n${value}`).digest('hex').slice(0, 32);
}

export function answerOrigin(
  key: string,
  ip: string | undefined,
  userAgent: string | undefined,
): AnswerOrigin {
  const address = ip ?? 'unknown';
  return {
    deviceHash: keyedHash(key, 'device', `${address}\n${userAgent ?? ''}`),
    networkHash: keyedHash(key, 'network', networkOf(address)),
  };
}
