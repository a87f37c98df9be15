/**
 * Which addresses an agent must not call by default: loopback, private, link-local, multicast,
 * unspecified and the other special-purpose blocks of the IANA IPv4 and IPv6 registries (RFC 6890
 * and successors). IPv6 forms that carry an IPv4 address (mapped `::ffff:0:0/96`, NAT64
 * `64:ff9b::/96`, 6to4 `2002::/16`) are judged by the IPv4 address inside.
 */
import { formatIpAddress, type IpAddress, mappedIpv4, parseIpAddress } from "./ip_address.ts";

/** Why an address is special; absent for an ordinary public address. */
export type AddressClass =
  | "loopback"
  | "private"
  | "link-local"
  | "multicast"
  | "unspecified"
  | "special-purpose";

/** A block of addresses: `bits` leading bits of `address`. */
export interface Cidr {
  address: IpAddress;
  bits: number;
}

const SPECIAL_BLOCKS: [string, AddressClass][] = [
  ["0.0.0.0/32", "unspecified"],
  ["0.0.0.0/8", "special-purpose"], // "this network"
  ["10.0.0.0/8", "private"],
  ["100.64.0.0/10", "private"], // shared address space (carrier-grade NAT)
  ["127.0.0.0/8", "loopback"],
  ["169.254.0.0/16", "link-local"],
  ["172.16.0.0/12", "private"],
  ["192.0.0.0/24", "special-purpose"],
  ["192.0.2.0/24", "special-purpose"], // documentation
  ["192.88.99.0/24", "special-purpose"], // 6to4 relay anycast
  ["192.168.0.0/16", "private"],
  ["198.18.0.0/15", "special-purpose"], // benchmarking
  ["198.51.100.0/24", "special-purpose"],
  ["203.0.113.0/24", "special-purpose"],
  ["224.0.0.0/4", "multicast"],
  ["240.0.0.0/4", "special-purpose"], // reserved, and 255.255.255.255 broadcast
  ["::/128", "unspecified"],
  ["::1/128", "loopback"],
  ["::/8", "special-purpose"], // includes the deprecated IPv4-compatible ::a.b.c.d
  ["64:ff9b:1::/48", "private"], // local-use NAT64
  ["100::/64", "special-purpose"], // discard-only
  ["2001::/23", "special-purpose"], // IETF protocol assignments, Teredo
  ["2001:db8::/32", "special-purpose"], // documentation
  ["3fff::/20", "special-purpose"], // documentation
  ["5f00::/16", "special-purpose"], // SRv6 SIDs
  ["fc00::/7", "private"], // unique local
  ["fe80::/10", "link-local"],
  ["fec0::/10", "private"], // deprecated site-local
  ["ff00::/8", "multicast"],
];

const SPECIAL = SPECIAL_BLOCKS.map(([text, kind]) => ({ cidr: parseCidr(text)!, kind }));
const NAT64 = parseCidr("64:ff9b::/96")!;
const SIX_TO_FOUR = parseCidr("2002::/16")!;

/** Why `address` is special, or null for an ordinary public address. */
export function classifyAddress(address: IpAddress): AddressClass | null {
  const inner = embeddedIpv4(address);
  if (inner) return classifyAddress(inner);
  return SPECIAL.find((s) => cidrContains(s.cidr, address))?.kind ?? null;
}

/** The IPv4 address an IPv6 address stands for (mapped, NAT64, 6to4), else null. */
export function embeddedIpv4(address: IpAddress): IpAddress | null {
  const mapped = mappedIpv4(address);
  if (mapped) return mapped;
  if (cidrContains(NAT64, address)) return { version: 4, bytes: address.bytes.slice(12) };
  if (cidrContains(SIX_TO_FOUR, address)) return { version: 4, bytes: address.bytes.slice(2, 6) };
  return null;
}

/** `a.b.c.d/n`, `x::y/n` or a single address (all bits); null when malformed. */
export function parseCidr(text: string): Cidr | null {
  const [host, bitsText, extra] = text.trim().split("/");
  if (host === undefined || extra !== undefined) return null;
  const address = parseIpAddress(host);
  if (!address) return null;
  const max = address.version === 4 ? 32 : 128;
  if (bitsText !== undefined && !/^\d{1,3}$/.test(bitsText)) return null;
  const bits = bitsText === undefined ? max : Number(bitsText);
  return bits <= max ? { address, bits } : null;
}

/** Whether `address` lies in `cidr` (an IPv4-mapped address also matches IPv4 blocks). */
export function cidrContains(cidr: Cidr, address: IpAddress): boolean {
  const candidate = cidr.address.version === address.version
    ? address
    : cidr.address.version === 4
    ? mappedIpv4(address)
    : null;
  if (!candidate) return false;
  for (let bit = 0; bit < cidr.bits; bit++) {
    const mask = 0x80 >> (bit % 8);
    const byte = bit >> 3;
    if ((cidr.address.bytes[byte]! & mask) !== (candidate.bytes[byte]! & mask)) return false;
  }
  return true;
}

/** `cidr` as text, e.g. "10.0.0.0/8". */
export function formatCidr(cidr: Cidr): string {
  return `${formatIpAddress(cidr.address)}/${cidr.bits}`;
}
