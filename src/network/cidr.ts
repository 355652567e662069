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

const CIDR_PATTERN = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/**
 * Parses `a.b.c.d/n`; throws an error naming `prop` when the text is not a CIDR block
 * or has host bits set (AWS rejects `10.0.11.5/24`).
 */
export function parseCidr(prop: string, text: string): Ipv4Block {
  const match = typeof text === 'string' ? CIDR_PATTERN.exec(text) : null;
  if (!match) {
    throw invalidProp(prop, text, 'must be an IPv4 CIDR block such as "10.0.11.0/24"');
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
