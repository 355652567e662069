import { invalidProp } from '../validation';

/** A parsed IPv4 CIDR block. */
export interface Ipv4Block {
  readonly text: string;
  /** First address as an unsigned 32-bit number. */
  readonly first: number;
  /** Last address as an unsigned 32-bit number. */
  readonly last: number;
  readonly prefix: number;
}

const CIDR_PATTERN = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,3})$/;

/**
 * Parses `a.b.c.d/n`; throws an error naming `prop` when the text is not a CIDR block
 * or has host bits set (AWS rejects `10.0.11.5/24`).
 */
export function parseCidr(prop: string, text: string): Ipv4Block {
  const match = typeof text === 'string' ? CIDR_PATTERN.exec(text) : null;
  if (!match) {
    throw invalidProp(prop, text, 'must be an IPv4 CIDR block such as "10.0.11.0/24"');
  }
  if (match.slice(1, 6).some(part => part.length > 1 && part.startsWith('0'))) {
    throw invalidProp(prop, text, 'must write each number without leading zeros ("10.0.11.0/24", not "10.0.011.0/24"): AWS reads them differently or refuses them');
  }
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some(o => o > 255) || prefix > 32) {
    throw invalidProp(prop, text, 'must be an IPv4 CIDR block: octets 0-255, prefix 0-32');
  }
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  if (address % size !== 0) {
    throw invalidProp(prop, text, `must start on a /${prefix} boundary (host bits must be zero)`);
  }
  return { text, first: address, last: address + size - 1, prefix };
}

/** Whether two blocks share at least one address. */
export function overlaps(a: Ipv4Block, b: Ipv4Block): boolean {
  return a.first <= b.last && b.first <= a.last;
}

/** Whether `inner` lies wholly inside `outer`. */
export function contains(outer: Ipv4Block, inner: Ipv4Block): boolean {
  return outer.first <= inner.first && inner.last <= outer.last;
}

/** Address ranges AWS refuses as a VPC CIDR block, with what each is for. */
const RESERVED_RANGES: Array<[string, string]> = [
  ['0.0.0.0/8', '"this network"'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local, where the instance metadata service and the Amazon DNS server live'],
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved, with the broadcast address'],
];

/** Throws when a VPC block overlaps a range AWS refuses for VPCs (loopback, link-local, multicast...). */
export function checkVpcRange(prop: string, block: Ipv4Block): void {
  for (const [range, purpose] of RESERVED_RANGES) {
    if (overlaps(block, parseCidr('reserved range', range))) {
      throw invalidProp(prop, block.text, `must not overlap ${range} (${purpose}): AWS refuses VPC CIDR blocks there`);
    }
  }
}
