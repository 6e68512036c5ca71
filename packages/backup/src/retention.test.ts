import { expect, it } from "vitest";
import { snapshotsToKeep } from "./retention";

const id = (day: string, time = "020000000") => `${day}T${time}Z-abcdef`;

it("keeps the newest snapshot of each recent day and week, and always the newest", () => {
  // Mon 2026-11-02 .. Mon 2026-11-30, one a day, two on the last day.
  const ids = Array.from({ length: 29 }, (_, index) => id(`202611${String(index + 2).padStart(2, "0")}`));
  ids.push(id("20261130", "140000000"));
  const kept = snapshotsToKeep(ids, { keepDaily: 3, keepWeekly: 2 });
  // The last three days (the later of the two on Monday the 30th), and of the two last weeks
  // the newest: the 30th again and Sunday the 29th, already kept as a day.
  expect([...kept].sort()).toEqual([id("20261128"), id("20261129"), id("20261130", "140000000")]);
  expect(snapshotsToKeep(ids, { keepDaily: 1, keepWeekly: 0 })).toEqual(
    new Set([id("20261130", "140000000")]),
  );
  expect(snapshotsToKeep([], { keepDaily: 7, keepWeekly: 4 }).size).toBe(0);
});
