import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import { invalid } from "@artifact-store/core";
import ipaddr from "ipaddr.js";

/** The setting that lets webhook targets reach non-public ranges; refusals name it. */
export const PRIVATE_RANGES_SETTING = "WEBHOOK_ALLOWED_PRIVATE_CIDRS";

type Address = ipaddr.IPv4 | ipaddr.IPv6;
type Range = [Address, number];

/**
 * Ranges no setting opens: link-local, where cloud providers serve instance metadata and
 * credentials (169.254.169.254, fe80::...), and EC2's IPv6 metadata address.
 */
const METADATA_RANGES: readonly Range[] = ["169.254.0.0/16", "fe80::/10", "fd00:ec2::254/128"].map((cidr) =>
  ipaddr.parseCIDR(cidr),
);

const IPV4_COMPATIBLE = ipaddr.parseCIDR("::/96");

const inRange = (address: Address, [network, bits]: Range): boolean => {
  if (address.kind() === network.kind()) return address.match(network, bits);
  return address instanceof ipaddr.IPv4 && address.toIPv4MappedAddress().match(network, bits);
};

/**
 * The IPv4 address an IPv6 one carries where a gateway or the kernel may connect to it instead
 * (IPv4-compatible, RFC 6145 translated, NAT64, 6to4); IPv4-mapped ones are already IPv4 here.
 */
const embeddedIPv4 = (address: ipaddr.IPv6): ipaddr.IPv4 | null => {
  const parts = address.parts;
  const ipv4 = (high: number, low: number) => new ipaddr.IPv4([high >> 8, high & 255, low >> 8, low & 255]);
  const range = address.range();
  if (range === "6to4") return ipv4(parts[1] ?? 0, parts[2] ?? 0);
  if (
    range === "rfc6052" ||
    range === "rfc6145" ||
    (range === "unicast" && inRange(address, IPV4_COMPATIBLE))
  )
    return ipv4(parts[6] ?? 0, parts[7] ?? 0);
  return null;
};

const isMetadata = (address: Address): boolean => METADATA_RANGES.some((range) => inRange(address, range));

interface Refusal {
  reason: string;
  /** A value of the setting that would let the address through; absent when none can. */
  allowWith?: string;
}

const refusalOf = (address: string, allowed: readonly string[]): Refusal | null => {
  if (!ipaddr.isValid(address)) return { reason: `${address} is not an IP address` };
  const parsed = ipaddr.process(address);
  const embedded = parsed instanceof ipaddr.IPv6 ? embeddedIPv4(parsed) : null;
  if (isMetadata(parsed) || (embedded && isMetadata(embedded))) {
    return {
      reason:
        `${address} is a link-local or cloud metadata address, where instance credentials are served; ` +
        "no setting allows it",
    };
  }
  let range: string = parsed.range();
  // ipaddr.js counts ::a.b.c.d as unicast, yet it is only ever an IPv4 address in disguise.
  if (range === "unicast" && embedded) range = "IPv4-compatible";
  if (range === "unicast") return null;
  if (allowed.some((cidr) => inRange(parsed, ipaddr.parseCIDR(cidr)))) return null;
  return {
    reason: `${address} is a ${range} address`,
    allowWith:
      range === "loopback"
        ? "127.0.0.0/8,::1/128"
        : `${parsed.toString()}/${parsed.kind() === "ipv4" ? 32 : 128}`,
  };
};

/**
 * Why an address may not be a webhook target, or null when it may. Globally routable unicast is
 * allowed; of the rest (loopback, private, CGNAT, multicast, reserved...), only what `allowed`
 * (CIDR ranges, the setting WEBHOOK_ALLOWED_PRIVATE_CIDRS) includes. Link-local and cloud metadata
 * addresses are never allowed. An IPv6 address that carries an IPv4 one counts as both.
 */
export const refusedAddress = (address: string, allowed: readonly string[] = []): string | null => {
  const refusal = refusalOf(address, allowed);
  if (!refusal) return null;
  return refusal.allowWith ? `${refusal.reason}, outside ${PRIVATE_RANGES_SETTING}` : refusal.reason;
};

/**
 * The ranges a WEBHOOK_ALLOWED_PRIVATE_CIDRS value lists (comma-separated CIDRs). Throws on one
 * that is not a CIDR, or that is link-local: no setting opens the metadata addresses, so saying
 * so is a mistake better caught at start than ignored.
 */
export const parsePrivateRanges = (raw: string): string[] =>
  raw
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "")
    .map((entry) => {
      let range: Range;
      try {
        range = ipaddr.parseCIDR(entry);
      } catch {
        throw new Error(`${entry} is not a CIDR range such as 127.0.0.0/8 or ::1/128`);
      }
      if (isMetadata(range[0])) {
        throw new Error(`${entry} is link-local (cloud metadata), which no setting opens to webhooks`);
      }
      return `${range[0].toString()}/${range[1]}`;
    });

export class TargetRefused extends Error {
  override name = "TargetRefused";
}

const lookupAll = (hostname: string): Promise<LookupAddress[]> =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) =>
      error ? reject(error) : resolve(addresses),
    ),
  );

/** The URL's host with IPv6 brackets taken off. */
const hostOf = (url: URL): string => url.hostname.replace(/^\[(.*)\]$/, "$1");

/**
 * Checks a target when a subscription is made: http(s) only, and every address its host
 * resolves to is public or inside `allowed`. Throws a 400-kind error saying why not, naming the
 * setting that would allow it.
 */
export const checkTarget = async (raw: string, allowed: readonly string[] = []): Promise<URL> => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid("webhook_url_invalid", "The webhook URL is not an absolute URL.");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw invalid("webhook_url_invalid", "The webhook URL must be http or https.");
  }
  if (url.username || url.password) {
    throw invalid("webhook_url_invalid", "The webhook URL may not carry credentials.");
  }
  const host = hostOf(url);
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : (await lookupAll(host)).map((entry) => entry.address);
  } catch {
    throw invalid("webhook_url_unresolvable", `The webhook host ${host} does not resolve.`);
  }
  for (const address of addresses) {
    const refusal = refusalOf(address, allowed);
    if (!refusal) continue;
    throw invalid(
      "webhook_url_refused",
      refusal.allowWith
        ? `The webhook URL leads to a non-public address: ${refusal.reason}. Such targets need their ` +
            `range in ${PRIVATE_RANGES_SETTING} (for example ${PRIVATE_RANGES_SETTING}=${refusal.allowWith}).`
        : `The webhook URL leads to a non-public address: ${refusal.reason}.`,
      { address, ...(refusal.allowWith ? { setting: PRIVATE_RANGES_SETTING } : {}) },
    );
  }
  return url;
};

/**
 * A DNS lookup for the delivery's socket that refuses what `checkTarget` refuses: the address
 * checked is the address connected to, so a host that re-resolves somewhere inside after the
 * subscription was made (DNS rebinding) gets nothing.
 */
export const guardedLookup =
  (allowed: readonly string[] = []): LookupFunction =>
  (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, "", 4);
      const refused = addresses
        .map((entry) => refusedAddress(entry.address, allowed))
        .find((reason) => reason);
      if (refused) return callback(new TargetRefused(`refused: ${refused}`), "", 4);
      if (options.all)
        return (callback as unknown as (e: null, all: LookupAddress[]) => void)(null, addresses);
      const [first] = addresses;
      if (!first) return callback(new TargetRefused(`${hostname} has no address`), "", 4);
      return callback(null, first.address, first.family);
    });
  };

/** An IP literal in the URL is never looked up, so it is checked here instead. */
export const refusedLiteral = (url: URL, allowed: readonly string[] = []): string | null => {
  const host = hostOf(url);
  return isIP(host) ? refusedAddress(host, allowed) : null;
};
