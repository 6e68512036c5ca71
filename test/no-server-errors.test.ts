import { randomUUID } from "node:crypto";
import type { SearchPage, UploadCreated, WebhookDeliveryView, WebhookView } from "@artifact-store/api";
import fc from "fast-check";
import { SignJWT } from "jose";
import { afterAll, beforeAll, expect, it } from "vitest";
import { randomBytesOf, startTestStack, type TestStack } from "./support/stack";

// Whatever a client sends, the answer is never a 5xx: every route in the OpenAPI document the API
// serves gets random and malformed path params, query strings, headers and bodies (JSON of the
// route's schema, right and wrong, nested 10,000 deep, huge, not JSON at all), as a user, an
// admin, anonymously and with broken credentials. Runs per route are fixed (FUZZ_RUNS overrides
// them); a failure prints fast-check's seed and the shrunk request, and FUZZ_SEED=<seed> generates
// the same requests again.

const RUNS_PER_ROUTE = Number(process.env.FUZZ_RUNS ?? 50);
const SECRET = "test-secret-test-secret-test-secret-42";
const STORAGE_EVENTS_TOKEN = "fuzz-storage-events-token";

let stack: TestStack;
let operations: Operation[];
const tokens: Record<"user" | "admin" | "withoutExpiry" | "expired" | "foreign", string> = {
  user: "",
  admin: "",
  withoutExpiry: "",
  expired: "",
  foreign: "",
};
/** Real ids, so some requests get past the lookups into the operations themselves. */
const known: Record<string, string[]> = {};
/**
 * A well-formed body and query per operation ("POST /v1/uploads"), to mutate one field at a time:
 * a request wrong in one place only gets furthest into the operation.
 */
const seeds: Record<string, { body?: Record<string, unknown>; query?: Record<string, string> }> = {};

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  format?: string;
  pattern?: string;
  additionalProperties?: unknown;
  minimum?: number;
  maximum?: number;
}

interface Operation {
  method: string;
  /** OpenAPI path: /v1/artifacts/{artifactId}. */
  path: string;
  pathParams: string[];
  queryParams: Record<string, JsonSchema>;
  body: JsonSchema | undefined;
}

interface OpenApiOperation {
  parameters?: { name: string; in: string; schema?: JsonSchema }[];
  requestBody?: { content?: { "application/json"?: { schema?: JsonSchema } } };
}

const operationsOf = (document: { paths: Record<string, Record<string, OpenApiOperation>> }): Operation[] =>
  Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      method: method.toUpperCase(),
      path,
      pathParams: (operation.parameters ?? []).filter((p) => p.in === "path").map((p) => p.name),
      queryParams: Object.fromEntries(
        (operation.parameters ?? []).filter((p) => p.in === "query").map((p) => [p.name, p.schema ?? {}]),
      ),
      body: operation.requestBody?.content?.["application/json"]?.schema,
    })),
  );

const hs256 = (claims: Record<string, unknown>, build: (jwt: SignJWT) => SignJWT = (jwt) => jwt) =>
  build(new SignJWT(claims).setProtectedHeader({ alg: "HS256" })).sign(new TextEncoder().encode(SECRET));

beforeAll(async () => {
  // Admin routes (backups, reindex, integrity runs) sweep the whole catalogue: one of its own.
  stack = await startTestStack(
    {
      // Signing routes are fuzzed hundreds of times a minute: let the limiter stay out of the way.
      RATE_LIMIT_SIGNING_PER_MINUTE: "1000000",
      STORAGE_EVENTS_TOKEN,
      WEBHOOK_ALLOW_PRIVATE_TARGETS: "true",
    },
    { ownDatabase: true },
  );
  tokens.user = await stack.tokenFor("fuzz-user");
  tokens.admin = await stack.tokenFor("fuzz-admin", ["admin"]);
  tokens.withoutExpiry = await hs256({ sub: "fuzz-user" });
  tokens.expired = await hs256({ sub: "fuzz-user" }, (jwt) => jwt.setExpirationTime(1_000_000));
  tokens.foreign = await new SignJWT({ sub: "fuzz-user" })
    .setProtectedHeader({ alg: "HS256" })
    .setExpirationTime("1h")
    .sign(new TextEncoder().encode("another-secret-another-secret-another"));

  const api = (path: string, init: RequestInit & { token?: string } = {}) =>
    stack.api(path, { token: tokens.user, ...init });
  const webhook = (await (
    await api("/v1/webhooks", {
      method: "POST",
      body: JSON.stringify({ url: "http://127.0.0.1:9/fuzz", events: ["artifact.available"] }),
    })
  ).json()) as WebhookView;
  const client = await stack.clientFor("fuzz-user");
  const artifact = await client.upload(randomBytesOf(64), {
    filename: "fuzz.bin",
    contentType: "text/plain",
  });
  const upload = (await (
    await api("/v1/uploads", {
      method: "POST",
      body: JSON.stringify({ filename: "open.txt", contentType: "text/plain", size: 3 }),
    })
  ).json()) as UploadCreated;
  const deliveries = (await (await api(`/v1/webhooks/${webhook.id}/deliveries`)).json()) as {
    deliveries: WebhookDeliveryView[];
  };
  const key = (await (
    await api("/v1/api-keys", {
      method: "POST",
      token: tokens.admin,
      body: JSON.stringify({ subject: "fuzz-service", name: "fuzz", scopes: ["read", "upload"] }),
    })
  ).json()) as { id: string; key: string };
  const snapshot = (await (
    await api("/v1/admin/backups", { method: "POST", token: tokens.admin })
  ).json()) as {
    snapshot: { id: string };
  };
  Object.assign(known, {
    artifactId: [artifact.id],
    uploadId: [upload.uploadId],
    webhookId: [webhook.id],
    deliveryId: deliveries.deliveries.map((delivery) => delivery.id),
    keyId: [key.id],
    grantee: ["fuzz-friend", "fuzz-admin"],
    snapshotId: [snapshot.snapshot.id],
    apiKey: [key.key],
  });
  const metadata = { title: "fuzz", lang: "en" };
  Object.assign(seeds, {
    "POST /v1/uploads": {
      body: {
        filename: "fuzz.txt",
        contentType: "text/plain",
        size: 3,
        metadata,
        tags: ["fuzz"],
        visibility: "public",
      },
    },
    "POST /v1/uploads/{uploadId}/parts": { body: { partNumbers: [1] } },
    "POST /v1/uploads/{uploadId}/complete": { body: { sha256: "0".repeat(64) } },
    "PATCH /v1/artifacts/{artifactId}": { body: { metadata, visibility: "public", tags: { add: ["fuzz"] } } },
    "PUT /v1/artifacts/{artifactId}/grants/{grantee}": {
      body: { expiresAt: new Date(Date.now() + 86_400_000).toISOString() },
    },
    "POST /v1/api-keys": { body: { subject: "fuzz-service", name: "fuzz", scopes: ["read"] } },
    "POST /v1/admin/backups/{snapshotId}/restore": { body: { dryRun: true, owner: "fuzz-user" } },
    "POST /v1/webhooks": {
      body: { url: "http://127.0.0.1:9/fuzz", events: ["artifact.available"], filters: { tags: ["fuzz"] } },
    },
    "POST /v1/storage-events": {
      body: {
        Records: [
          {
            eventName: "ObjectCreated:Put",
            s3: {
              bucket: { name: stack.bucket },
              object: { key: "artifacts/users/fuzz-user/x.txt", size: 3 },
            },
          },
        ],
      },
    },
    "GET /v1/artifacts": {
      query: { q: "fuzz", tags: "fuzz", metadata: JSON.stringify(metadata), limit: "10", sort: "size" },
    },
    "GET /v1/audit": { query: { actor: "user:fuzz-user", action: "createUpload", limit: "5" } },
    "GET /v1/artifacts/{artifactId}/download": { query: { redirect: "false" } },
  });
  const searched = (await (await api("/v1/artifacts")).json()) as SearchPage;
  expect(searched.artifacts.map((found) => found.id)).toContain(artifact.id);

  // Deletes last, so the operations before them meet the real records.
  operations = operationsOf(await (await stack.api("/openapi.json")).json()).sort(
    (a, b) => Number(a.method === "DELETE") - Number(b.method === "DELETE"),
  );
});
afterAll(() => stack?.close());

// --- What a careless or hostile client sends ---------------------------------------------------

/** Percent-encodes what can be; a string with a lone surrogate goes as it is. */
const encoded = (value: string): string => {
  try {
    return encodeURIComponent(value);
  } catch {
    return value;
  }
};

const nasty = fc.constantFrom(
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "\ud800",
  "\udfff",
  "\u202e",
  "%",
  "../..",
  "' or 1=1 --",
  "null",
  "undefined",
  "true",
  "-1",
  "0",
  "1e309",
  "NaN",
  "99999999999999999999",
  "0000-01-01T00:00:00Z",
  "9999-12-31T23:59:59Z",
  "2026-02-31T00:00:00Z",
  "275760-09-13T00:00:00Z",
  "*",
  "image/*",
  "{}",
  '{"a":1}',
  "[1]",
  `{"a":${"[".repeat(1500)}${"]".repeat(1500)}}`,
  "x".repeat(5000),
  "🙂".repeat(300),
);

const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ unit: "binary-ascii", maxLength: 40 }),
  nasty,
);

/** A path segment, ready for the URL: real ids now and then, else anything at all. */
const pathValue = (name: string): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...(known[name]?.length ? known[name] : ["none"])).map(encoded) },
    { weight: 2, arbitrary: fc.uuid().map(encoded) },
    { weight: 3, arbitrary: text.map(encoded) },
    { weight: 1, arbitrary: fc.constantFrom("%zz", "%E0%A4%A", "%00", "%2F..%2F", "%ED%A0%80", ".", "..") },
  );

const ISO_TIME = fc
  .date({ min: new Date("0001-01-01T00:00:00Z"), max: new Date("9999-12-31T23:59:59Z"), noInvalidDate: true })
  .map((date) => date.toISOString());

/** A string of the schema's pattern or format, when it has one fast-check can generate. */
const stringFor = (schema: JsonSchema, fitting: boolean): fc.Arbitrary<string> => {
  if (schema.format === "date-time") return ISO_TIME;
  if (schema.format === "uri") return fitting ? fc.webUrl() : fc.oneof(fc.webUrl(), text);
  if (schema.pattern) {
    try {
      const matching = fc.stringMatching(new RegExp(schema.pattern, "u"));
      return fitting ? matching : fc.oneof(matching, text);
    } catch {
      // A pattern beyond what stringMatching knows (\p{...}): media types are the one here.
      return fc.constantFrom("text/plain", "application/json", "image/png", "text/html; charset=utf-8");
    }
  }
  return fc.oneof(text, fc.uuid(), fc.webUrl(), ISO_TIME);
};

/**
 * A value for a schema: `fitting` keeps to its types (so it gets past the schema into the
 * operation), otherwise any member may be of the wrong type or nonsense.
 */
const valueFor = (schema: JsonSchema | undefined, fitting: boolean, depth = 0): fc.Arbitrary<unknown> => {
  const anything = fc.oneof(fc.jsonValue({ maxDepth: 3 }), text);
  if (!schema || depth > 4) return anything;
  const options: fc.Arbitrary<unknown>[] = fitting ? [] : [anything];
  if (schema.enum) options.push(fc.constantFrom(...schema.enum));
  if (schema.const !== undefined) options.push(fc.constant(schema.const));
  for (const choice of [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])])
    options.push(valueFor(choice, fitting, depth + 1));
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  for (const type of types) {
    if (type === "object") options.push(objectFor(schema, fitting, depth + 1));
    if (type === "array")
      options.push(fc.array(valueFor(schema.items, fitting, depth + 1), { maxLength: 4 }));
    if (type === "string" && !schema.enum) options.push(stringFor(schema, fitting));
    if (type === "integer" || type === "number")
      options.push(
        fc.oneof(
          fc.integer({ min: schema.minimum ?? -10, max: schema.maximum ?? 2 ** 40 }),
          fitting ? fc.integer({ min: schema.minimum ?? 0, max: schema.maximum ?? 100 }) : fc.double(),
          fc.constantFrom(0, -1, 2 ** 53, 1e308, 1.5),
        ),
      );
    if (type === "boolean") options.push(fc.boolean());
    if (type === "null") options.push(fc.constant(null));
  }
  return options.length > 0 ? fc.oneof(...options) : anything;
};

/** Some of the schema's properties (a fitting one: few, so the rest of the request decides). */
const objectFor = (
  schema: JsonSchema,
  fitting: boolean,
  depth: number,
): fc.Arbitrary<Record<string, unknown>> => {
  const properties = Object.entries(schema.properties ?? {});
  if (properties.length === 0)
    return fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 });
  const required = schema.required ?? [];
  return fc
    .tuple(
      fc.subarray(properties, { maxLength: fitting ? Math.min(3, properties.length) : properties.length }),
      fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 2 }),
      fc.boolean(),
    )
    .chain(([chosen, extra, withExtra]) => {
      const names = new Set([...(fitting ? required : []), ...chosen.map(([name]) => name)]);
      const members = properties.filter(([name]) => names.has(name));
      return fc
        .record(
          Object.fromEntries(members.map(([name, property]) => [name, valueFor(property, fitting, depth)])),
        )
        .map((picked) => (withExtra && !fitting ? { ...extra, ...picked } : picked));
    });
};

/** `{"a": {"a": ... 1}}` or `[[[...1]]]`: a little too deep, or far too deep (most within the body limit). */
const deepValue = fc
  .record({
    depth: fc.oneof(
      fc.integer({ min: 2, max: 40 }),
      fc.integer({ min: 1000, max: 10_000 }),
      fc.integer({ min: 1000, max: 10_000 }),
    ),
    open: fc.constantFrom('{"a":', "["),
  })
  .map(({ depth, open }) => `${open.repeat(depth)}1${(open === "[" ? "]" : "}").repeat(depth)}`);

/** Fields that take any JSON (metadata): where a deep value gets furthest. */
const openFieldsOf = (schema: JsonSchema | undefined): string[] =>
  Object.entries(schema?.properties ?? {})
    .filter(
      ([, property]) =>
        property.type === "object" && property.additionalProperties !== false && !property.properties,
    )
    .map(([name]) => name);

/** A deep value under one of the body's fields (its open ones most often), in an otherwise fitting body. */
const deepBody = (operation: Operation) => {
  const open = openFieldsOf(operation.body);
  const any = [...Object.keys(operation.body?.properties ?? {}), "x"];
  const seed = seeds[`${operation.method} ${operation.path}`]?.body;
  return fc
    .record({
      base: seed ? fc.constant(seed) : fc.oneof(fc.constant({}), objectFor(operation.body ?? {}, true, 0)),
      field:
        open.length > 0
          ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...open) }, fc.constantFrom(...any))
          : fc.constantFrom(...any),
      deep: deepValue,
    })
    .map(({ base, field, deep }) => JSON.stringify({ ...base, [field]: "<deep>" }).replace('"<deep>"', deep));
};

/** JSON text for a field: a fitting or any value, or one nested far too deep. */
const fieldText = (schema: JsonSchema | undefined): fc.Arbitrary<string> =>
  fc.oneof(
    valueFor(schema, true).map((value) => JSON.stringify(value) ?? "null"),
    valueFor(schema, false).map((value) => JSON.stringify(value) ?? "null"),
    deepValue,
  );

/** The seed with one field replaced (or a new one added, or one left out). */
const mutatedSeed = (operation: Operation, seed: Record<string, unknown>): fc.Arbitrary<string> => {
  const fields = [...new Set([...Object.keys(seed), ...Object.keys(operation.body?.properties ?? {})])];
  return fc
    .record({
      field: fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...fields) }, fc.string({ maxLength: 8 })),
      drop: fc.nat(4).map((n) => n === 0),
    })
    .chain(({ field, drop }) =>
      drop && field in seed
        ? fc.constant(JSON.stringify({ ...seed, [field]: undefined }))
        : fieldText(operation.body?.properties?.[field]).map((value) =>
            JSON.stringify({ ...seed, [field]: "<value>" }).replace('"<value>"', value),
          ),
    );
};

const bodyFor = (operation: Operation): fc.Arbitrary<string | undefined> => {
  const seed = seeds[`${operation.method} ${operation.path}`]?.body;
  return fc.oneof(
    ...(seed ? [{ weight: 6, arbitrary: mutatedSeed(operation, seed) }] : []),
    { weight: 1, arbitrary: fc.constant(undefined) },
    {
      weight: 4,
      arbitrary: valueFor(operation.body ?? { type: "object" }, true).map((v) => JSON.stringify(v)),
    },
    {
      weight: 2,
      arbitrary: valueFor(operation.body ?? { type: "object" }, false).map((v) => JSON.stringify(v)),
    },
    { weight: 4, arbitrary: deepBody(operation) },
    { weight: 1, arbitrary: fc.json({ maxDepth: 4 }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        "{",
        "null",
        "[]",
        '"a string"',
        "1e999",
        '{"a":1}{',
        "\ufeff{}",
        '{"__proto__":{"admin":true}}',
        '{"constructor":{"prototype":{"x":1}}}',
        `{"metadata":{"x":"${"y".repeat(60_000)}"}}`,
        `{"filename":"${"z".repeat(70_000)}"}`,
        '{"metadata":{"t":"\\u0000"},"filename":"a","contentType":"text/plain","size":1}',
        '{"metadata":{"t":"\\ud800"},"filename":"a","contentType":"text/plain","size":1}',
      ),
    },
    { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 200 }) },
  );
};

const queryFor = (operation: Operation): fc.Arbitrary<string> => {
  const names = Object.keys(operation.queryParams);
  const pair = fc
    .tuple(
      names.length > 0
        ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...names) }, { weight: 1, arbitrary: text })
        : text,
      fc.nat(),
    )
    .chain(([name, pick]) =>
      fc
        .oneof(
          valueFor(operation.queryParams[name] ?? {}, true).map((value) =>
            typeof value === "string" ? value : JSON.stringify(value),
          ),
          text,
          fc.constantFrom(...(Object.values(known)[pick % Object.keys(known).length] ?? ["x"])),
        )
        .map((value) => `${encoded(name)}=${encoded(String(value))}`),
    );
  const seed = seeds[`${operation.method} ${operation.path}`]?.query;
  const seeded = seed
    ? fc.tuple(fc.constantFrom(...Object.keys(seed)), pair).map(([replaced, added]) => {
        const kept = Object.entries(seed).filter(([name]) => name !== replaced);
        return `?${[...kept.map(([name, value]) => `${name}=${encoded(value)}`), added].join("&")}`;
      })
    : undefined;
  return fc.oneof(
    ...(seeded ? [{ weight: 4, arbitrary: seeded }] : []),
    { weight: 1, arbitrary: fc.constant("") },
    {
      weight: 6,
      arbitrary: fc.array(pair, { minLength: 1, maxLength: 5 }).map((pairs) => `?${pairs.join("&")}`),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom("?%zz=1", "?&&=&", "?limit", "?cursor=abc", "?token=%00", "?a=%ED%A0%80"),
    },
  );
};

const headerValue = fc
  .string({ unit: "binary-ascii", maxLength: 60 })
  // Control characters but tab cannot be sent in a header at all (fetch refuses them).
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  .map((value) => value.replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, ""));

const authorizationOf = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom("user", "admin", "anonymous").map((who) => who as string) },
  {
    weight: 2,
    arbitrary: fc.oneof(
      fc.constantFrom(
        "broken:Bearer",
        "broken:Bearer ",
        "broken:Bearer x.y.z",
        "broken:Basic Zm9vOmJhcg==",
        "broken:Bearer ask_notakey",
        "broken:Bearer ask_",
        `broken:Bearer ${"a".repeat(4000)}`,
      ),
      headerValue.map((value) => `broken:${value}`),
      fc.constantFrom("withoutExpiry", "expired", "foreign", "apiKey", "storageEvents", "xApiKey"),
    ),
  },
);

/** A header a quarter of the time. */
const sometimes = <T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | null> =>
  fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary });

const requestFor = (operation: Operation) =>
  fc.record({
    who: authorizationOf,
    params: fc.record(Object.fromEntries(operation.pathParams.map((name) => [name, pathValue(name)]))),
    query: queryFor(operation),
    ifMatch: sometimes(
      fc.oneof(
        fc.constantFrom('"1"', '"2"', '"3"', "*", 'W/"1"', '"99999999999"', '"1", "2"', ""),
        headerValue,
      ),
    ),
    contentType: sometimes(
      fc.oneof(
        fc.constantFrom(
          "application/json",
          "text/plain",
          "application/x-www-form-urlencoded",
          "multipart/form-data; boundary=x",
          "application/json; charset=utf-16",
        ),
        headerValue,
      ),
    ),
    body: bodyFor(operation),
  });

type FuzzRequest = ReturnType<typeof requestFor> extends fc.Arbitrary<infer R> ? R : never;

const credentialHeaders = (who: string): Record<string, string> => {
  if (who.startsWith("broken:")) return { authorization: who.slice("broken:".length) };
  if (who === "anonymous") return {};
  if (who === "apiKey") return { authorization: `Bearer ${known.apiKey?.[0]}` };
  if (who === "xApiKey") return { "x-api-key": `${known.apiKey?.[0]}` };
  if (who === "storageEvents") return { authorization: `Bearer ${STORAGE_EVENTS_TOKEN}` };
  return { authorization: `Bearer ${tokens[who as keyof typeof tokens]}` };
};

const send = async (operation: Operation, request: FuzzRequest) => {
  const path = operation.path.replace(/\{(\w+)\}/g, (_, name: string) => request.params[name] ?? "x");
  const headers: Record<string, string> = { ...credentialHeaders(request.who) };
  if (request.ifMatch !== null) headers["if-match"] = request.ifMatch;
  if (request.contentType !== null) headers["content-type"] = request.contentType;
  const response = await fetch(`${stack.url}${path}${request.query}`, {
    method: operation.method,
    headers,
    redirect: "manual",
    ...(request.body !== undefined && operation.method !== "GET" ? { body: request.body } : {}),
  });
  return {
    url: `${operation.method} ${path}${request.query}`.slice(0, 300),
    response,
    text: await response.text(),
  };
};

const errorOf = (body: string): { code?: unknown; message?: unknown } | undefined => {
  try {
    return (JSON.parse(body) as { error?: { code?: unknown; message?: unknown } }).error;
  } catch {
    return undefined;
  }
};

it("the API serves an OpenAPI document listing every route", () => {
  expect(operations.length).toBeGreaterThan(30);
  expect(operations.map((operation) => `${operation.method} ${operation.path}`)).toContain(
    "PATCH /v1/artifacts/{artifactId}",
  );
});

it(
  "no route answers a 5xx, whatever it is sent, and every error has the usual shape",
  async () => {
    for (const operation of operations) {
      await fc.assert(
        fc.asyncProperty(requestFor(operation), async (request) => {
          const { url, response, text: body } = await send(operation, request);
          const said = `${url} as ${request.who.slice(0, 40)} -> ${response.status} ${body.slice(0, 300)}`;
          expect(response.status, said).toBeLessThan(500);
          // 431: Node refuses oversized headers itself, before any function runs, with no body.
          if (response.status >= 400 && response.status !== 431) {
            const error = errorOf(body);
            expect(typeof error?.code, said).toBe("string");
            expect(typeof error?.message, said).toBe("string");
          }
        }),
        {
          numRuns: RUNS_PER_ROUTE,
          ...(process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED) } : {}),
        },
      );
    }
    // About half a second per run of every route; more runs (FUZZ_RUNS) get more time.
  },
  Math.max(120_000, RUNS_PER_ROUTE * 1_000),
);

it("the fuzzed stack still serves a well-formed request", async () => {
  const response = await stack.api("/v1/uploads", {
    method: "POST",
    token: await stack.tokenFor(`after-fuzz-${randomUUID().slice(0, 8)}`),
    body: JSON.stringify({ filename: "ok.txt", contentType: "text/plain", size: 2 }),
  });
  expect(response.status).toBe(201);
});
