import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * Where an agency's webhook may point. In live mode the product POSTs to this URL from inside the
 * operator's network, so a URL naming loopback, a private range or the cloud metadata address would
 * let an agency admin make it call internal services (server-side request forgery). The name is
 * resolved once, every address it resolves to is checked, and the delivery connects to those
 * checked addresses (webhook-delivery.ts): resolving again to connect would let a name answer a public
 * address to the check and 127.0.0.1 to the connection (DNS rebinding). The check runs again
 * before each delivery (a name can change what it resolves to after it was accepted).
 */

/**
 * IPv4: the IANA IPv4 Special-Purpose Address Registry, whole blocks (a webhook receiver has no
 * business on an anycast relay or a documentation range even where the registry says "globally
 * reachable"), plus multicast and the reserved 240/4 with its limited broadcast.
 */
const V4_SPECIAL: readonly (readonly [string, number])[] = [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // shared address space (carrier-grade NAT)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments (DS-Lite, NAT64 discovery, PCP/TURN anycast)
  ['192.0.2.0', 24], // documentation TEST-NET-1
  ['192.31.196.0', 24], // AS112-v4
  ['192.52.193.0', 24], // AMT
  ['192.88.99.0', 24], // deprecated 6to4 relay anycast
  ['192.168.0.0', 16], // private
  ['192.175.48.0', 24], // direct delegation AS112
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation TEST-NET-2
  ['203.0.113.0', 24], // documentation TEST-NET-3
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and 255.255.255.255 limited broadcast
];

/**
 * IPv6: only global unicast (2000::/3) is allowed at all, which leaves out everything the IANA IPv6
 * Special-Purpose Address Registry lists outside it (::/128, ::1, IPv4-compatible ::/96, the
 * IPv4-translated ::ffff:0:0:0/96, 64:ff9b:1::/48, discard-only 100::/64, unique-local fc00::/7,
 * link-local fe80::/10, the deprecated site-local fec0::/10, multicast ff00::/8). Inside 2000::/3
 * these registry blocks are refused too. IPv4-mapped, NAT64 (64:ff9b::/96) and 6to4 addresses
 * reach the IPv4 host they embed, so that address is checked as IPv4 instead (embeddedV4).
 */
const V6_GLOBAL_UNICAST: readonly [string, number] = ['2000::', 3];
const V6_SPECIAL: readonly (readonly [string, number])[] = [
  ['2001::', 23], // IETF protocol assignments: Teredo 2001::/32, benchmarking 2001:2::/48, AMT,
  // AS112-v6, ORCHID 2001:10::/28, ORCHIDv2 2001:20::/28, DRIP 2001:30::/28, PCP/TURN anycast
  ['2001:db8::', 32], // documentation
  ['2620:4f:8000::', 48], // direct delegation AS112
  ['3fff::', 20], // documentation
  ['5f00::', 16], // segment routing (SRv6) SIDs
];

const v4Special = new BlockList();
for (const [net, prefix] of V4_SPECIAL) v4Special.addSubnet(net, prefix, 'ipv4');
const v6Allowed = new BlockList();
v6Allowed.addSubnet(V6_GLOBAL_UNICAST[0], V6_GLOBAL_UNICAST[1], 'ipv6');
const v6Special = new BlockList();
for (const [net, prefix] of V6_SPECIAL) v6Special.addSubnet(net, prefix, 'ipv6');

/** The eight 16-bit groups of an IPv6 address (any textual form, dotted IPv4 tail included). */
function v6Groups(address: string): number[] | undefined {
  // A zone (fe80::1%eth0) names an interface of this host: never a webhook receiver.
  if (isIP(address) !== 6 || address.includes('%')) return undefined;
  let text = address.toLowerCase();
  const tail: number[] = [];
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    tail.push((a << 8) | b, (c << 8) | d);
    text = text.slice(0, -dotted[0].length);
    if (text.endsWith(':') && !text.endsWith('::')) text = text.slice(0, -1);
  }
  const halves = text.split('::');
  const groups = (s: string) => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const head = groups(halves[0] ?? '');
  const rest = [...groups(halves[1] ?? ''), ...tail];
  const gap = halves.length === 2 ? 8 - head.length - rest.length : 0;
  const all = [...head, ...new Array<number>(Math.max(gap, 0)).fill(0), ...rest];
  return all.length === 8 && all.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? all : undefined;
}

const v4Of = (hi: number, lo: number) => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;

/** The IPv4 address an IPv4-mapped, NAT64 or 6to4 address reaches, if it is one. */
function embeddedV4(g: number[]): string | undefined {
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = g;
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0xffff) return v4Of(g6, g7);
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return v4Of(g6, g7);
  if (g0 === 0x2002) return v4Of(g1, g2);
  return undefined;
}

/**
 * Whether an address is one a webhook may not reach: anything in the special-purpose registries,
 * and anything that is not a well-formed IP address at all.
 */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return v4Special.check(address, 'ipv4');
  if (family !== 6) return true;
  const groups = v6Groups(address);
  if (!groups) return true;
  const v4 = embeddedV4(groups);
  if (v4 !== undefined) return v4Special.check(v4, 'ipv4');
  const full = groups.map((g) => g.toString(16)).join(':');
  return !v6Allowed.check(full, 'ipv6') || v6Special.check(full, 'ipv6');
}

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}
/** Resolves a host name to every address it has; the system resolver unless a test brings its own. */
export type Resolver = (host: string) => Promise<readonly { address: string; family: number }[]>;

const systemResolver: Resolver = (host) => lookup(host, { all: true, verbatim: true });

/** A webhook URL that passed its checks, and the addresses its connection must use. */
export interface WebhookTarget {
  url: URL;
  /** The host name as resolved once and checked; the connection goes to these and no others. */
  addresses: ResolvedAddress[];
}

/**
 * Checks a webhook URL and, when it passes, resolves its host once. When `strict` (live mode) the
 * URL must be https and every address the host resolves to must be public. Not strict
 * (development and tests), any http(s) URL is accepted: the tests' receivers listen on 127.0.0.1.
 */
export async function webhookTarget(
  raw: string,
  opts: { strict: boolean; resolve?: Resolver | undefined },
): Promise<{ ok: true; target: WebhookTarget } | { ok: false; problem: string }> {
  const parsed = parseWebhookUrl(raw, opts.strict);
  if (typeof parsed === 'string') return { ok: false, problem: parsed };
  const url = parsed;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: ResolvedAddress[];
  const literal = isIP(host);
  if (literal === 4 || literal === 6) addresses = [{ address: host, family: literal }];
  else {
    try {
      addresses = (await (opts.resolve ?? systemResolver)(host)).flatMap((a) => {
        const family = isIP(a.address);
        return family === 4 || family === 6 ? [{ address: a.address, family }] : [];
      });
    } catch (err) {
      return { ok: false, problem: `host ${host} does not resolve (${errorCode(err)})` };
    }
    if (addresses.length === 0) return { ok: false, problem: `host ${host} does not resolve` };
  }
  if (opts.strict) {
    const bad = addresses.find((a) => isPrivateAddress(a.address));
    if (bad !== undefined)
      return {
        ok: false,
        problem: `must not point at a loopback, private, reserved or special-purpose address (${host} is ${bad.address})`,
      };
  }
  return { ok: true, target: { url, addresses } };
}

function parseWebhookUrl(raw: string, strict: boolean): URL | string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'not a valid URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an http(s) URL';
  if (url.username || url.password) return 'must not carry a user name or password';
  if (strict && url.protocol !== 'https:') return 'must be https in live mode';
  return url;
}

function errorCode(err: unknown): string {
  if (err && typeof err === 'object' && 'code' in err && typeof err.code === 'string') return err.code;
  return err instanceof Error ? err.message : String(err);
}

/** Why this URL may not receive webhooks, or undefined when it may. */
export async function webhookUrlProblem(
  raw: string,
  opts: { strict: boolean; resolve?: Resolver },
): Promise<string | undefined> {
  // Outside live mode a URL is only read, not resolved: a development receiver need not exist yet.
  if (!opts.strict) {
    const parsed = parseWebhookUrl(raw, false);
    return typeof parsed === 'string' ? parsed : undefined;
  }
  const checked = await webhookTarget(raw, opts);
  return checked.ok ? undefined : checked.problem;
}
