import {
  Catalog,
  IntegrityRecords,
  migrate,
  openDatabase,
  PartChecksumRecords,
  SearchRecords,
} from "@artifact-store/catalog";

/** A real catalogue, embedded and in memory, migrated: what the services query, minus a server. */
export const openMemoryCatalogue = async () => {
  const db = await openDatabase({ embeddedDataDir: "memory://" });
  await migrate(db);
  return {
    db,
    catalog: new Catalog(db),
    integrity: new IntegrityRecords(db),
    partChecksums: new PartChecksumRecords(db),
    search: new SearchRecords(db),
    close: () => db.close(),
  };
};

export type MemoryCatalogue = Awaited<ReturnType<typeof openMemoryCatalogue>>;

/** A clock the test moves by hand. */
export const manualClock = (start = "2026-03-01T12:00:00.000Z") => {
  let at = new Date(start).getTime();
  const now = () => new Date(at);
  return Object.assign(now, {
    advance: (seconds: number) => {
      at += seconds * 1000;
    },
  });
};

/** Empties the tables a test fills, so each starts from a catalogue with nothing in it. */
export const emptyCatalogue = (catalogue: MemoryCatalogue) =>
  catalogue.db.exec("truncate artifacts, upload_sessions cascade");
