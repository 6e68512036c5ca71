import { request } from "node:http";
import { describe, expect, it } from "vitest";
import { checkTarget, guardedLookup, parsePrivateRanges, refusedAddress } from "./target-guard";

const LOOPBACK = ["127.0.0.0/8", "::1/128"];
/** What WEBHOOK_ALLOW_PRIVATE_TARGETS=true, the older all-or-nothing switch, amounts to. */
const EVERYTHING = ["0.0.0.0/0", "::/0"];

const connectionError = (url: string, allowed: readonly string[]) =>
  new Promise<Error>((resolve) => {
    const sent = request(url, { method: "POST", lookup: guardedLookup(allowed) });
    sent.on("error", resolve);
    sent.end("{}");
  });

describe("webhook target guard", () => {
  it("allows public unicast addresses and refuses every other kind by default", () => {
    for (const address of ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"]) {
      expect(refusedAddress(address), address).toBeNull();
    }
    for (const address of [
      "127.0.0.1",
      "10.1.2.3",
      "172.16.0.1",
      "192.168.1.1",
      "100.64.0.1",
      "169.254.169.254",
      "224.0.0.1",
      "0.0.0.0",
      "255.255.255.255",
      "::1",
      "::",
      "fe80::1",
      "fc00::1",
      "ff02::1",
      "::ffff:127.0.0.1",
      "::ffff:10.0.0.1",
      "::a9fe:a9fe",
    ]) {
      expect(refusedAddress(address), address).not.toBeNull();
    }
  });

  it("lets through exactly the ranges allowed, and says which setting would allow the rest", () => {
    expect(refusedAddress("127.0.0.1", LOOPBACK)).toBeNull();
    expect(refusedAddress("127.8.9.10", LOOPBACK)).toBeNull();
    expect(refusedAddress("::1", LOOPBACK)).toBeNull();
    expect(refusedAddress("::ffff:127.0.0.1", LOOPBACK)).toBeNull();
    expect(refusedAddress("10.0.0.5", LOOPBACK)).toBe(
      "10.0.0.5 is a private address, outside WEBHOOK_ALLOWED_PRIVATE_CIDRS",
    );
    expect(refusedAddress("10.0.0.5", ["10.0.0.0/24"])).toBeNull();
    expect(refusedAddress("10.0.1.5", ["10.0.0.0/24"])).not.toBeNull();
  });

  it("never lets link-local or cloud metadata addresses through, whatever is allowed", () => {
    for (const address of [
      "169.254.169.254",
      "169.254.0.1",
      "fe80::1",
      "fd00:ec2::254",
      "::ffff:169.254.169.254",
      "::a9fe:a9fe",
      "64:ff9b::a9fe:a9fe",
      "2002:a9fe:a9fe::1",
    ]) {
      expect(refusedAddress(address, EVERYTHING), address).toMatch(
        /is a link-local or cloud metadata address, .*; no setting allows it$/,
      );
    }
    // The rest of the unique-local range is as open as the setting says.
    expect(refusedAddress("fd00:ec2::253", EVERYTHING)).toBeNull();
  });

  it("reads WEBHOOK_ALLOWED_PRIVATE_CIDRS, refusing what is not a range or opens metadata", () => {
    expect(parsePrivateRanges("127.0.0.0/8, ::1/128,10.1.2.3/16")).toEqual([
      "127.0.0.0/8",
      "::1/128",
      "10.1.2.3/16",
    ]);
    expect(parsePrivateRanges("")).toEqual([]);
    expect(() => parsePrivateRanges("127.0.0.1")).toThrow(
      "127.0.0.1 is not a CIDR range such as 127.0.0.0/8 or ::1/128",
    );
    expect(() => parsePrivateRanges("169.254.0.0/16")).toThrow(/link-local \(cloud metadata\)/);
    expect(() => parsePrivateRanges("fe80::/64")).toThrow(/link-local/);
  });

  it("refuses non-http schemes, credentials and literals outside the allowed ranges", async () => {
    await expect(checkTarget("ftp://example.com/", EVERYTHING)).rejects.toMatchObject({
      code: "webhook_url_invalid",
    });
    await expect(checkTarget("http://user:pw@example.com/", EVERYTHING)).rejects.toMatchObject({
      code: "webhook_url_invalid",
    });
    await expect(checkTarget("http://[::ffff:7f00:1]/hook")).rejects.toMatchObject({
      code: "webhook_url_refused",
    });
    await expect(checkTarget("http://localhost/hook")).rejects.toMatchObject({ code: "webhook_url_refused" });
    expect((await checkTarget("http://127.0.0.1:8080/hook", LOOPBACK)).host).toBe("127.0.0.1:8080");
    expect((await checkTarget("http://localhost:8080/hook", LOOPBACK)).host).toBe("localhost:8080");
    expect((await checkTarget("http://10.0.0.5/hook", EVERYTHING)).host).toBe("10.0.0.5");
  });

  it("names the setting in the refusal, with a value that would allow the target", async () => {
    await expect(checkTarget("http://127.0.0.1:8080/hook")).rejects.toMatchObject({
      code: "webhook_url_refused",
      message:
        "The webhook URL leads to a non-public address: 127.0.0.1 is a loopback address. Such targets " +
        "need their range in WEBHOOK_ALLOWED_PRIVATE_CIDRS (for example " +
        "WEBHOOK_ALLOWED_PRIVATE_CIDRS=127.0.0.0/8,::1/128).",
      details: { address: "127.0.0.1", setting: "WEBHOOK_ALLOWED_PRIVATE_CIDRS" },
    });
    await expect(checkTarget("http://192.168.1.7/hook", LOOPBACK)).rejects.toMatchObject({
      message: expect.stringContaining("WEBHOOK_ALLOWED_PRIVATE_CIDRS=192.168.1.7/32"),
    });
    await expect(checkTarget("http://169.254.169.254/latest/meta-data", EVERYTHING)).rejects.toMatchObject({
      code: "webhook_url_refused",
      message:
        "The webhook URL leads to a non-public address: 169.254.169.254 is a link-local or cloud " +
        "metadata address, where instance credentials are served; no setting allows it.",
      details: { address: "169.254.169.254" },
    });
  });

  it("refuses at connection time a host that resolves outside the allowed ranges", async () => {
    expect((await connectionError("http://localhost:9/hook", [])).message).toMatch(
      /^refused: (127\.0\.0\.1|::1) is a loopback address, outside WEBHOOK_ALLOWED_PRIVATE_CIDRS$/,
    );
    // Allowed, the lookup hands the address on and the connection itself fails (nothing listens).
    expect((await connectionError("http://localhost:9/hook", LOOPBACK)).message).toMatch(/ECONNREFUSED/);
  });
});
