/**
 * IPv4 address blocks, as NetworkPolicy `ipBlock` takes them: parsed, checked and compared. IPv6 is
 * refused for now (docs/known-limits.md): the clusters we deploy to are IPv4.
 */

export interface Ipv4Block {
  /** The first address, as an unsigned 32-bit number. */
  readonly start: number;
  /** The prefix length, 0 to 32. */
  readonly prefix: number;
}

const OCTET = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const CIDR_PATTERN = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}/(3[0-2]|[12]?\\d)$`);

/** What is wrong with a CIDR, or undefined when it is a canonical IPv4 block such as 10.128.0.0/14. */
export function cidrProblem(value: string): string | undefined {
  const match = CIDR_PATTERN.exec(value);
  if (!match) return `"${value}" is not an IPv4 CIDR such as 10.0.0.0/8 (IPv6 is not supported)`;
  const block = parseCidr(value);
  const canonical = formatCidr(block);
  if (canonical !== value) return `"${value}" has host bits set: the block is ${canonical}`;
  return undefined;
}

/** Parses a CIDR that cidrProblem accepts; host bits are cleared. */
export function parseCidr(value: string): Ipv4Block {
  const [address, prefixText] = value.split('/');
  const prefix = Number(prefixText);
  const start = address.split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0);
  return { start: start - (start % blockSize(prefix)), prefix };
}

export function formatCidr(block: Ipv4Block): string {
  const octets = [24, 16, 8, 0].map((shift) => Math.floor(block.start / 2 ** shift) % 256);
  return `${octets.join('.')}/${block.prefix}`;
}

function blockSize(prefix: number): number {
  return 2 ** (32 - prefix);
}

/** Whether two blocks share an address (one then contains the other). */
export function overlaps(a: Ipv4Block, b: Ipv4Block): boolean {
  return a.start < b.start + blockSize(b.prefix) && b.start < a.start + blockSize(a.prefix);
}

/** Whether `inner` lies wholly inside `outer`. */
export function contains(outer: Ipv4Block, inner: Ipv4Block): boolean {
  return inner.prefix >= outer.prefix && inner.start >= outer.start && inner.start < outer.start + blockSize(outer.prefix);
}

/** Whether an address (a.b.c.d) lies in a block. */
export function containsAddress(block: Ipv4Block, address: string): boolean {
  return contains(block, parseCidr(`${address}/32`));
}

/** Every IPv4 address: what `outsideCluster` starts from. */
export const ALL_IPV4 = '0.0.0.0/0';
