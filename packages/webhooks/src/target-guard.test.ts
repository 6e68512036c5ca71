import { request } from "node:http";
import { describe, expect, it } from "vitest";
import { checkTarget, guardedLookup, refusedAddress } from "./target-guard";

describe("webhook target guard", () => {
  it("allows only public unicast addresses", () => {
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
    ]) {
      expect(refusedAddress(address), address).not.toBeNull();
    }
  });

  it("refuses non-http schemes, credentials and private literals unless private targets are allowed", async () => {
    await expect(checkTarget("ftp://example.com/", true)).rejects.toMatchObject({
      code: "webhook_url_invalid",
    });
    await expect(checkTarget("http://user:pw@example.com/", true)).rejects.toMatchObject({
      code: "webhook_url_invalid",
    });
    await expect(checkTarget("http://127.0.0.1:8080/hook", false)).rejects.toMatchObject({
      code: "webhook_url_refused",
    });
    await expect(checkTarget("http://[::ffff:7f00:1]/hook", false)).rejects.toMatchObject({
      code: "webhook_url_refused",
    });
    await expect(checkTarget("http://localhost/hook", false)).rejects.toMatchObject({
      code: "webhook_url_refused",
    });
    expect((await checkTarget("http://127.0.0.1:8080/hook", true)).host).toBe("127.0.0.1:8080");
  });

  it("refuses at connection time a host that resolves to a non-public address", async () => {
    const error = await new Promise<Error>((resolve) => {
      const sent = request("http://localhost:9/hook", { method: "POST", lookup: guardedLookup });
      sent.on("error", resolve);
      sent.end("{}");
    });
    expect(error.message).toMatch(/^refused: .* is a loopback address$/);
  });
});
