import type { PartChecksum } from "@artifact-store/core";
import type { Database } from "./database";
import type { Row } from "./row-values";

/** The checksums declared for an upload's parts, as signed into their URLs: the last declaration wins. */
export class PartChecksumRecords {
  constructor(private readonly db: Database) {}

  async record(uploadId: string, parts: readonly PartChecksum[], at: Date): Promise<void> {
    if (parts.length === 0) return;
    await this.db.query(
      `insert into upload_part_checksums (upload_id, part_number, md5, sha256, signed_at)
       select $1::uuid, part.number, part.md5, part.sha256, $5::timestamptz
         from unnest($2::int[], $3::text[], $4::text[]) as part (number, md5, sha256)
       on conflict (upload_id, part_number)
         do update set md5 = excluded.md5, sha256 = excluded.sha256, signed_at = excluded.signed_at`,
      [
        uploadId,
        parts.map((part) => part.partNumber),
        parts.map((part) => part.md5),
        parts.map((part) => part.sha256 ?? null),
        at.toISOString(),
      ],
    );
  }

  async list(uploadId: string): Promise<PartChecksum[]> {
    const rows = await this.db.query<Row>(
      "select part_number, md5, sha256 from upload_part_checksums where upload_id = $1 order by part_number",
      [uploadId],
    );
    return rows.map((row) => ({
      partNumber: Number(row.part_number),
      md5: String(row.md5),
      ...(row.sha256 === null || row.sha256 === undefined ? {} : { sha256: String(row.sha256) }),
    }));
  }
}
