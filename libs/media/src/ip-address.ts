import { isIPv4, isIPv6 } from 'node:net';

/**
 * Pure classification of IP addresses for the SSRF guard. An address is `public` only when it is
 * ordinary unicast reachable on the internet; everything special-purpose (IANA registries for IPv4
 * and IPv6, RFC 6890) is refused, and IPv6 forms that embed an IPv4 address are refused outright
 * (mapped, compatible, NAT64, Teredo) or judged by the embedded address (6to4).
 */
export type IpClass = { public: true } | { public: false; reason: string };

interface V4Range {
  base: number;
  bits: number;
  reason: string;
}

const v4 = (cidr: string, reason: string): V4Range => {
  const [addr, bits] = cidr.split('/');
  return { base: ipv4ToInt(addr) as number, bits: Number(bits), reason };
};

const V4_BLOCKED: V4Range[] = [
  v4('0.0.0.0/8', 'unspecified ("this network")'),
  v4('10.0.0.0/8', 'private'),
  v4('100.64.0.0/10', 'carrier-grade NAT'),
  v4('127.0.0.0/8', 'loopback'),
  v4('169.254.0.0/16', 'link-local'),
  v4('172.16.0.0/12', 'private'),
  v4('192.0.0.0/24', 'IETF protocol assignments'),
  v4('192.0.2.0/24', 'documentation'),
  v4('192.88.99.0/24', '6to4 relay anycast'),
  v4('192.168.0.0/16', 'private'),
  v4('198.18.0.0/15', 'benchmarking'),
  v4('198.51.100.0/24', 'documentation'),
  v4('203.0.113.0/24', 'documentation'),
  v4('224.0.0.0/4', 'multicast'),
  v4('255.255.255.255/32', 'broadcast'),
  v4('240.0.0.0/4', 'reserved'),
];

/** Dotted-quad only (what DNS answers and the WHATWG URL parser produce); anything else → null. */
export function ipv4ToInt(address: string): number | null {
  const parts = address.split('.');
  if (parts.length !== 4) {
    return null;
  }
  let value = 0;
  for (const part of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part) || Number(part) > 255) {
      return null;
    }
    value = value * 256 + Number(part);
  }
  return value;
}

function inV4Range(value: number, range: V4Range): boolean {
  if (range.bits === 0) {
    return true;
  }
  const size = 2 ** (32 - range.bits);
  return Math.floor(value / size) === Math.floor(range.base / size);
}

export function classifyIpv4(address: string): IpClass {
  const value = ipv4ToInt(address);
  if (value === null) {
    return { public: false, reason: 'not an IPv4 address' };
  }
  for (const range of V4_BLOCKED) {
    if (inV4Range(value, range)) {
      return { public: false, reason: range.reason };
    }
  }
  return { public: true };
}

/** Parses any textual IPv6 form (`::`, embedded dotted quad, zone id) into 16 bytes; null if invalid. */
export function parseIpv6(address: string): Uint8Array | null {
  let text = address;
  const zone = text.indexOf('%');
  if (zone !== -1) {
    text = text.slice(0, zone);
  }
  if (!isIPv6(text)) {
    return null;
  }
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  const last = text.slice(lastColon + 1);
  if (last.includes('.')) {
    const n = ipv4ToInt(last);
    if (n === null) {
      return null;
    }
    tail = [Math.floor(n / 65536), n % 65536];
    text = `${text.slice(0, lastColon + 1)}${tail.length ? '0:0' : ''}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) {
    return null;
  }
  const toGroups = (s: string) => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const head = toGroups(halves[0]);
  const rest = halves.length === 2 ? toGroups(halves[1]) : [];
  const missing = 8 - head.length - rest.length;
  if (halves.length === 1 ? missing !== 0 : missing < 0) {
    return null;
  }
  const groups = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...rest];
  if (tail.length) {
    groups[6] = tail[0];
    groups[7] = tail[1];
  }
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => {
    bytes[i * 2] = g >> 8;
    bytes[i * 2 + 1] = g & 0xff;
  });
  return bytes;
}

interface V6Range {
  prefix: number[];
  bits: number;
  reason: string;
}

const v6 = (cidr: string, reason: string): V6Range => {
  const [addr, bits] = cidr.split('/');
  return { prefix: [...(parseIpv6(addr) as Uint8Array)], bits: Number(bits), reason };
};

function inV6Range(bytes: Uint8Array, range: V6Range): boolean {
  let bits = range.bits;
  for (let i = 0; bits > 0; i += 1, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((bytes[i] & mask) !== (range.prefix[i] & mask)) {
      return false;
    }
  }
  return true;
}

// Order matters only for the reason reported; every listed range is refused.
const V6_BLOCKED: V6Range[] = [
  v6('::/128', 'unspecified'),
  v6('::1/128', 'loopback'),
  v6('::ffff:0:0/96', 'IPv4-mapped'),
  v6('::/96', 'IPv4-compatible (deprecated)'),
  v6('::ffff:0:0:0/96', 'IPv4-translated'),
  v6('64:ff9b::/96', 'NAT64'),
  v6('64:ff9b:1::/48', 'NAT64 (local use)'),
  v6('100::/64', 'discard-only'),
  v6('2001::/32', 'Teredo'),
  v6('2001:2::/48', 'benchmarking'),
  v6('2001:10::/28', 'ORCHID'),
  v6('2001:20::/28', 'ORCHIDv2'),
  v6('2001:db8::/32', 'documentation'),
  v6('3fff::/20', 'documentation'),
  v6('5f00::/16', 'segment routing'),
  v6('fc00::/7', 'unique local'),
  v6('fe80::/10', 'link-local'),
  v6('fec0::/10', 'site-local (deprecated)'),
  v6('ff00::/8', 'multicast'),
];

const V6_6TO4 = v6('2002::/16', '6to4');
const V6_GLOBAL_UNICAST = v6('2000::/3', 'global unicast');

export function classifyIpv6(address: string): IpClass {
  const bytes = parseIpv6(address);
  if (bytes === null) {
    return { public: false, reason: 'not an IPv6 address' };
  }
  for (const range of V6_BLOCKED) {
    if (inV6Range(bytes, range)) {
      return { public: false, reason: range.reason };
    }
  }
  if (inV6Range(bytes, V6_6TO4)) {
    const embedded = `${bytes[2]}.${bytes[3]}.${bytes[4]}.${bytes[5]}`;
    const inner = classifyIpv4(embedded);
    return inner.public ? inner : { public: false, reason: `6to4 embedding a ${inner.reason} IPv4 address` };
  }
  // Everything outside 2000::/3 is unassigned or special-purpose.
  if (!inV6Range(bytes, V6_GLOBAL_UNICAST)) {
    return { public: false, reason: 'reserved' };
  }
  return { public: true };
}

/** Classifies an IPv4 or IPv6 address as text (IPv6 may be bracketed); anything unparseable is refused. */
export function classifyIp(address: string): IpClass {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  if (isIPv4(bare)) {
    return classifyIpv4(bare);
  }
  if (isIPv6(bare.split('%')[0])) {
    return classifyIpv6(bare);
  }
  return { public: false, reason: 'not an IP address' };
}

export function isIpLiteral(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return isIPv4(bare) || isIPv6(bare.split('%')[0]);
}
