/**
 * IP addresses as bytes: parsing every textual form an HTTP client might accept as a host (so that
 * `2130706433`, `0x7f.1`, `0177.0.0.1` and `127.1` are all seen as 127.0.0.1) and printing them.
 * IPv4 follows the WHATWG URL host parser (the one `fetch` uses); IPv6 follows RFC 4291 text,
 * with an optional zone (`%eth0`) and brackets.
 */

/** An IPv4 (4 bytes) or IPv6 (16 bytes) address. */
export interface IpAddress {
  version: 4 | 6;
  bytes: Uint8Array;
}

/** `text` as an address, or null when it is not one (e.g. a host name). */
export function parseIpAddress(text: string): IpAddress | null {
  const host = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  if (host.includes(":")) return parseIpv6(host);
  return parseIpv4(host);
}

/** Dotted IPv4 in any WHATWG form: 1 to 4 parts, each decimal, octal (`0…`) or hex (`0x…`). */
function parseIpv4(text: string): IpAddress | null {
  const parts = text.split(".");
  if (parts.length > 1 && parts.at(-1) === "") parts.pop();
  if (parts.length === 0 || parts.length > 4) return null;
  const numbers: number[] = [];
  for (const part of parts) {
    const n = parseIpv4Number(part);
    if (n === null) return null;
    numbers.push(n);
  }
  const last = numbers.pop()!;
  if (numbers.some((n) => n > 255) || last >= 256 ** (4 - numbers.length)) return null;
  let value = last;
  for (const [i, n] of numbers.entries()) value += n * 256 ** (3 - i);
  return { version: 4, bytes: Uint8Array.of(value >>> 24, value >>> 16, value >>> 8, value) };
}

function parseIpv4Number(part: string): number | null {
  if (/^0x[0-9a-f]*$/i.test(part)) return part.length === 2 ? 0 : parseInt(part.slice(2), 16);
  if (/^0[0-7]+$/.test(part)) return parseInt(part.slice(1), 8);
  if (/^(0|[1-9][0-9]*)$/.test(part)) return Number(part);
  return null;
}

function parseIpv6(text: string): IpAddress | null {
  const host = text.replace(/%[\w.~-]+$/, "");
  const halves = host.split("::");
  if (halves.length > 2) return null;
  const groups = (half: string) => half === "" ? [] : half.split(":");
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  const words: number[] = [];
  const all = [...head, ...tail];
  // A dotted IPv4 may only end the address (not come before a trailing "::").
  const dottedAt = halves.length === 2 && tail.length === 0 ? -1 : all.length - 1;
  for (const [i, group] of all.entries()) {
    if (i === dottedAt && group.includes(".")) {
      const v4 = /^\d{1,3}(\.\d{1,3}){3}$/.test(group) ? parseIpv4(group) : null;
      if (!v4) return null;
      words.push((v4.bytes[0]! << 8) | v4.bytes[1]!, (v4.bytes[2]! << 8) | v4.bytes[3]!);
    } else if (/^[0-9a-f]{1,4}$/i.test(group)) words.push(parseInt(group, 16));
    else return null;
  }
  const missing = 8 - words.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const headWords = words.length - tailWords(tail);
  const filled = [
    ...words.slice(0, headWords),
    ...Array(halves.length === 2 ? missing : 0).fill(0),
    ...words.slice(headWords),
  ];
  const bytes = new Uint8Array(16);
  filled.forEach((word, i) => {
    bytes[2 * i] = word >> 8;
    bytes[2 * i + 1] = word & 0xff;
  });
  return { version: 6, bytes };
}

/** Words the groups after `::` stand for (a trailing dotted IPv4 is two). */
function tailWords(tail: string[]): number {
  return tail.length + (tail.at(-1)?.includes(".") ? 1 : 0);
}

/** The IPv4 address inside an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`), else null. */
export function mappedIpv4(address: IpAddress): IpAddress | null {
  if (address.version !== 6) return null;
  const b = address.bytes;
  const mapped = b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;
  return mapped ? { version: 4, bytes: b.slice(12) } : null;
}

/** Canonical text: dotted IPv4; RFC 5952 IPv6 (`::ffff:1.2.3.4` for mapped addresses). */
export function formatIpAddress(address: IpAddress): string {
  if (address.version === 4) return address.bytes.join(".");
  const v4 = mappedIpv4(address);
  if (v4) return `::ffff:${formatIpAddress(v4)}`;
  const words = Array.from(
    { length: 8 },
    (_, i) => (address.bytes[2 * i]! << 8) | address.bytes[2 * i + 1]!,
  );
  // The longest run of two or more zero words becomes "::".
  let best = { start: -1, length: 0 };
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > best.length && j - i >= 2) best = { start: i, length: j - i };
    i = j === i ? i + 1 : j;
  }
  const hex = words.map((w) => w.toString(16));
  if (best.start < 0) return hex.join(":");
  const left = hex.slice(0, best.start).join(":");
  const right = hex.slice(best.start + best.length).join(":");
  return `${left}::${right}`;
}
