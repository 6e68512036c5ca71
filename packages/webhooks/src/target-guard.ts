import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import { invalid } from "@artifact-store/core";
import ipaddr from "ipaddr.js";

/**
 * Why an address may not be a webhook target, or null when it may. Only globally routable
 * unicast is allowed: loopback, private, link-local, CGNAT, multicast, unspecified, reserved and
 * translation ranges all lead somewhere inside; an IPv4-mapped IPv6 address counts as its IPv4.
 */
export const refusedAddress = (address: string): string | null => {
  if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
  const range = ipaddr.process(address).range();
  return range === "unicast" ? null : `${address} is a ${range} address`;
};

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
 * Checks a target when a subscription is made: http(s) only, and (unless private targets are
 * allowed) every address its host resolves to is public. Throws a 400-kind error saying why not.
 */
export const checkTarget = async (raw: string, allowPrivate: boolean): Promise<URL> => {
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
  if (allowPrivate) return url;
  const host = hostOf(url);
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : (await lookupAll(host)).map((entry) => entry.address);
  } catch {
    throw invalid("webhook_url_unresolvable", `The webhook host ${host} does not resolve.`);
  }
  for (const address of addresses) {
    const reason = refusedAddress(address);
    if (reason) {
      throw invalid("webhook_url_refused", `The webhook URL leads to a non-public address: ${reason}.`, {
        address,
      });
    }
  }
  return url;
};

/**
 * A DNS lookup for the delivery's socket that refuses non-public addresses: the address checked
 * is the address connected to, so a host that re-resolves somewhere inside after the
 * subscription was made (DNS rebinding) gets nothing.
 */
export const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, "", 4);
    const refused = addresses.map((entry) => refusedAddress(entry.address)).find((reason) => reason);
    if (refused) return callback(new TargetRefused(`refused: ${refused}`), "", 4);
    if (options.all) return (callback as unknown as (e: null, all: LookupAddress[]) => void)(null, addresses);
    const [first] = addresses;
    if (!first) return callback(new TargetRefused(`${hostname} has no address`), "", 4);
    return callback(null, first.address, first.family);
  });
};

/** An IP literal in the URL is never looked up, so it is checked here instead. */
export const refusedLiteral = (url: URL): string | null => {
  const host = hostOf(url);
  return isIP(host) ? refusedAddress(host) : null;
};
