import { describe, expect, it } from "vitest";
import { requiredPhrases } from "./search";

// Each phrase returned becomes a condition every match must meet, so returning one that
// websearch_to_tsquery does not require would hide matches (test/search.test.ts checks results).
describe("requiredPhrases", () => {
  it.each([
    ['"health breach"', ["health breach"]],
    ['x "red car" "blue  van" y', ["red car", "blue  van"]],
    ['"one" "the red"', ["the red"]],
    ['"unclosed phrase', []],
    ['x -"red car"', []],
    ['x - "red car"', []],
    ['--"red car"', []],
    ['x or "red car"', []],
    ['"red car"or x', []],
    ['x OR "red car"', []],
    ['"a "b c" d"', []],
  ])("%s", (text, phrases) => {
    expect(requiredPhrases(text)).toEqual(phrases);
  });
});
