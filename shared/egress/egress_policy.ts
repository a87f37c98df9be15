/**
 * Where agents may send requests: a URL's host is resolved (DNS A and AAAA records, or the literal
 * address in any numeric form) and every address it resolves to is checked; a loopback, private,
 * link-local, multicast, unspecified or other special-purpose address is refused unless it lies in
 * an allowed network (EGRESS_ALLOWED_NETWORKS). The caller then connects to the address checked,
 * never resolving the name again (see pinned_fetch.ts).
 */
import { NonRetryableError } from "../agents/errors.ts";
import {
  type AddressClass,
  type Cidr,
  cidrContains,
  classifyAddress,
  parseCidr,
} from "./address_class.ts";
import { formatIpAddress, type IpAddress, parseIpAddress } from "./ip_address.ts";

/** The config variable that allows special addresses. */
export const ALLOW_VARIABLE = "EGRESS_ALLOWED_NETWORKS";

/** What agents may call. */
export interface EgressPolicy {
  /** Networks allowed although special (EGRESS_ALLOWED_NETWORKS); default none. */
  allow: readonly Cidr[];
  /** Resolves a host name to its addresses; default DNS A and AAAA records (Deno.resolveDns). */
  resolve?: (host: string) => Promise<IpAddress[]>;
}

/** The policy of a comma-separated allowlist (EGRESS_ALLOWED_NETWORKS, checked by config.ts). */
export function egressPolicy(allowedNetworks: string): EgressPolicy {
  const entries = allowedNetworks.split(",").map((s) => s.trim()).filter((s) => s !== "");
  return { allow: entries.map((entry) => parseCidr(entry)!) };
}

/** A request target refused by the policy; trying again cannot help. */
export class EgressRefusedError extends NonRetryableError {
  constructor(message: string) {
    super(message);
    this.name = "EgressRefusedError";
  }
}

const ARTICLE: Record<AddressClass, string> = {
  loopback: "a loopback",
  private: "a private",
  "link-local": "a link-local",
  multicast: "a multicast",
  unspecified: "an unspecified",
  "special-purpose": "a special-purpose",
};

/**
 * Why `address` may not be called under `allow`, or null when it may; `host` is the name that
 * resolved to it, if any.
 */
export function refusal(
  address: IpAddress,
  allow: readonly Cidr[],
  host?: string,
): string | null {
  const kind = classifyAddress(address);
  if (kind === null || allow.some((cidr) => cidrContains(cidr, address))) return null;
  const text = formatIpAddress(address);
  const single = address.version === 4 ? `${text}/32` : `${text}/128`;
  const what = host === undefined
    ? `${text} is ${ARTICLE[kind]} address`
    : `${JSON.stringify(host)} resolves to ${text}, ${ARTICLE[kind]} address`;
  return `refused: ${what}; allow it with ${ALLOW_VARIABLE}=${single}`;
}

/**
 * The address to connect to for `url`: its literal address or the first one its name resolves
 * to, after every one of them passed the policy. Throws EgressRefusedError naming the address and
 * why, or an Error (retryable) when the name does not resolve.
 */
export async function checkedAddress(url: URL, policy: EgressPolicy): Promise<IpAddress> {
  const host = url.hostname;
  const literal = parseIpAddress(host);
  const addresses = literal ? [literal] : await resolveHost(host, policy);
  for (const address of addresses) {
    const why = refusal(address, policy.allow, literal ? undefined : host);
    if (why) throw new EgressRefusedError(why);
  }
  return addresses[0]!;
}

async function resolveHost(host: string, policy: EgressPolicy): Promise<IpAddress[]> {
  // RFC 6761: localhost names are loopback whatever DNS says.
  const name = host.toLowerCase().replace(/\.$/, "");
  if (name === "localhost" || name.endsWith(".localhost")) {
    return [{ version: 4, bytes: Uint8Array.of(127, 0, 0, 1) }];
  }
  let addresses: IpAddress[];
  try {
    addresses = await (policy.resolve ?? resolveDns)(name);
  } catch (cause) {
    throw new Error(`Cannot resolve ${JSON.stringify(host)}: ${(cause as Error).message}`, {
      cause,
    });
  }
  if (addresses.length === 0) throw new Error(`Cannot resolve ${JSON.stringify(host)}: no address`);
  return addresses;
}

/** A and AAAA records of `host` (IPv4 first); a missing record type is no error. */
export async function resolveDns(host: string): Promise<IpAddress[]> {
  const [a, aaaa] = await Promise.allSettled([
    Deno.resolveDns(host, "A"),
    Deno.resolveDns(host, "AAAA"),
  ]);
  if (a.status === "rejected" && aaaa.status === "rejected") throw a.reason;
  const records = [
    ...(a.status === "fulfilled" ? a.value : []),
    ...(aaaa.status === "fulfilled" ? aaaa.value : []),
  ];
  return records.flatMap((r) => parseIpAddress(r) ?? []);
}
