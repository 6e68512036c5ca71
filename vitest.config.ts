import { defineConfig } from "vitest/config";

// Integration tests run twice: on the embedded catalogue (PGlite) and on a PostgreSQL server.
// `npm test` (scripts/test.ts) starts the S3 server and PostgreSQL and passes them in the env.
const integration = {
  include: ["test/**/*.test.ts"],
  testTimeout: 120_000,
  hookTimeout: 120_000,
};

// The upload, download, search and integrity tests again on moto's S3 server, a second S3
// implementation (test/support/moto-global-setup.ts starts it unless npm test passed one in).
// What moto cannot do is skipped there by name: requires() in test/support/capabilities.ts.
const ON_MOTO = [
  "test/storage-portability.test.ts",
  "test/uploads.test.ts",
  "test/part-checksums.test.ts",
  "test/presigned-urls.test.ts",
  "test/resume-and-abort.test.ts",
  "test/search.test.ts",
  "test/integrity.test.ts",
];

// Access logs are asserted where they matter; elsewhere they would drown the test report.
const LOG_LEVEL = process.env.LOG_LEVEL ?? "silent";

export default defineConfig({
  test: {
    projects: [
      { test: { name: "unit", include: ["packages/**/*.test.ts"] } },
      // The catalogue-backed unit tests again on PostgreSQL, in a database of their own.
      {
        test: {
          name: "unit-postgres",
          include: [
            "packages/audit/**/*.test.ts",
            "packages/catalog/src/migrate.test.ts",
            "packages/catalog/src/row-values.test.ts",
          ],
          env: { DATABASE_URL: process.env.TEST_UNIT_DATABASE_URL ?? "" },
        },
      },
      { test: { ...integration, name: "pglite", env: { DATABASE_URL: "", LOG_LEVEL } } },
      {
        test: {
          ...integration,
          name: "postgres",
          env: { DATABASE_URL: process.env.TEST_DATABASE_URL ?? "", LOG_LEVEL },
        },
      },
      {
        test: {
          ...integration,
          name: "moto",
          include: ON_MOTO,
          globalSetup: ["test/support/moto-global-setup.ts"],
          setupFiles: ["test/support/moto-env.ts"],
          // The catalogue engine is not what this project varies: PGlite only.
          env: { DATABASE_URL: "", LOG_LEVEL },
        },
      },
    ],
  },
});
