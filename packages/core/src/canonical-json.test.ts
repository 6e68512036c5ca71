import { describe, expect, it } from "vitest";
import { canonicalJson } from "./canonical-json";

describe("canonical JSON", () => {
  it("sorts keys at every level, drops undefined members and keeps array order", () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: null, y: "é" }], c: undefined }, e: [] })).toBe(
      '{"a":{"d":[3,{"y":"é","z":null}]},"b":1,"e":[]}',
    );
    expect(canonicalJson([undefined, "x", true])).toBe('[null,"x",true]');
    expect(canonicalJson('a"b')).toBe('"a\\"b"');
    expect(canonicalJson({})).toBe("{}");
  });

  it("is the same text whichever order the keys came in", () => {
    expect(canonicalJson(JSON.parse('{"x":{"b":2,"a":1},"w":0}'))).toBe(
      canonicalJson(JSON.parse('{"w":0,"x":{"a":1,"b":2}}')),
    );
  });

  it("writes values nested far deeper than the call stack goes", () => {
    let deep: unknown = 1;
    for (let level = 0; level < 100_000; level += 1) deep = { a: [deep] };
    const text = canonicalJson(deep);
    expect(text.startsWith('{"a":[{"a":[')).toBe(true);
    expect(text.length).toBe(100_000 * '{"a":[]}'.length + 1);
  });
});
