/**
 * Writes src/contract.ts: the API's request and response types (valibot schemas in
 * @artifact-store/api) spelled out as plain TypeScript, and its error codes (the registry in
 * @artifact-store/core), so the SDK's published declarations need
 * neither the unpublished api package nor valibot. src/contract.test.ts fails when the file no
 * longer matches the schemas: run `npm run contract -w packages/client` then.
 */
import { spawnSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { ERROR_CODES, STATUS_OF_KIND } from "@artifact-store/core";
import ts from "typescript";

/** Each type the SDK speaks, and the schema export (or type expression over `s`, the api) it comes from. */
const TYPES: readonly (readonly [name: string, schema: string, how?: "input" | "type"])[] = [
  ["ProvenanceView", "ProvenanceView"],
  ["IntegrityView", "IntegrityView"],
  ["LegalHoldView", "LegalHoldView"],
  ["ArtifactView", "ArtifactView"],
  ["ArtifactVersionView", "ArtifactVersionView"],
  ["ArtifactHistory", "ArtifactHistory"],
  ["UploadChecksums", "UploadChecksums"],
  ["PresignedPart", "PresignedPart"],
  ["UploadCreated", "UploadCreated"],
  ["UploadDeduplicated", "UploadDeduplicated"],
  ["SignedParts", "SignedParts"],
  ["UploadStatus", "UploadStatus"],
  ["UploadBatchOpened", "UploadBatchOpened"],
  ["UploadBatchCompleted", "UploadBatchCompleted"],
  ["DownloadLink", "DownloadLink"],
  ["SearchQuery", "SearchParams"],
  ["SearchPage", "SearchPage"],
  ["UpdateArtifactInput", "UpdateArtifactBody", "input"],
  ["GrantView", "GrantView"],
  ["Identity", "Identity"],
  ["ApiKeyView", "ApiKeyView"],
  ["AuditQuery", "AuditQuery", "input"],
  ["AuditEventView", "AuditEventView"],
  ["AuditPage", "AuditPage"],
  ["AuditVerifyReport", "AuditVerifyReport"],
  ["AuditExportResult", "AuditExportResult"],
  ["VerificationRun", "VerificationRun"],
  ["IntegrityRunView", "IntegrityRunView"],
  ["IntegrityReport", "IntegrityReport"],
  ["ExpiryRunView", "ExpiryRunView"],
  ["ReindexReport", "ReindexReport"],
  ["BackupSnapshotView", "BackupSnapshotView"],
  ["BackupReport", "BackupReport"],
  ["BackupList", "BackupList"],
  ["RestoreRequest", "NonNullable<v.InferInput<typeof s.RestoreRequest>>", "type"],
  ["RestoreReport", "RestoreReport"],
  ["WebhookEventType", "WebhookEventType"],
  ["CreateWebhookInput", "CreateWebhookBody", "input"],
  ["WebhookView", "WebhookView"],
  ["CreatedWebhook", "CreatedWebhook"],
  ["WebhookAttemptView", "WebhookAttemptView"],
  ["WebhookDeliveryView", "WebhookDeliveryView"],
  ["StorageCapabilities", "StorageCapabilities"],
  ["Health", "Health"],
  ["ErrorBody", "ErrorBody"],
];

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const OUTPUT = here("../src/contract.ts");
// A module beside the package, so @artifact-store/api and valibot resolve as the package sees them.
const PROBE = here("../src/__contract_probe__.ts");

const probeSource = [
  'import type * as v from "valibot";',
  'import type * as s from "@artifact-store/api";',
  ...TYPES.map(([name, schema, how]) =>
    how === "type"
      ? `export type ${name} = ${schema};`
      : `export type ${name} = v.${how === "input" ? "InferInput" : "InferOutput"}<typeof s.${schema}>;`,
  ),
].join("\n");

/** The doc comment as written (the checker's reading stops at an `@`, as in "jsonb @>"). */
const docOf = (checker: ts.TypeChecker, symbol: ts.Symbol | undefined): string => {
  const declaration = symbol?.declarations?.[0];
  if (declaration) {
    const text = declaration.getSourceFile().text;
    const ranges = ts.getLeadingCommentRanges(text, declaration.getFullStart()) ?? [];
    const doc = ranges.reverse().find((range) => text.startsWith("/**", range.pos));
    if (doc) {
      return text
        .slice(doc.pos + 3, doc.end - 2)
        .split("\n")
        .map((line) => line.replace(/^\s*\* ?/, "").trimEnd())
        .join("\n")
        .trim();
    }
  }
  return symbol ? ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim() : "";
};

const comment = (text: string, indent: string): string => {
  if (!text) return "";
  const lines = text.split("\n");
  if (lines.length === 1) return `${indent}/** ${text} */\n`;
  return `${indent}/**\n${lines.map((line) => `${indent} * ${line}`.trimEnd()).join("\n")}\n${indent} */\n`;
};

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** Renders the probe's types as plain declarations: objects written out, named ones referenced. */
const render = (program: ts.Program): string => {
  const checker = program.getTypeChecker();
  const probe = program.getSourceFile(PROBE);
  if (!probe) throw new Error("The contract probe did not compile.");
  const moduleSymbol = checker.getSymbolAtLocation(probe);
  if (!moduleSymbol) throw new Error("The contract probe has no exports.");
  // The api's public face: each domain's schemas, re-exported from its folder.
  const api = program.getSourceFiles().find((file) => file.fileName.endsWith("packages/api/src/index.ts"));
  const apiSymbol = api && checker.getSymbolAtLocation(api);

  const named = new Map<string, ts.Type>();
  for (const [name] of TYPES) {
    const symbol = checker.getExportsOfModule(moduleSymbol).find((each) => each.name === name);
    if (!symbol) throw new Error(`No type ${name} in the probe.`);
    named.set(name, checker.getDeclaredTypeOfSymbol(symbol));
  }

  const keys = (type: ts.Type) =>
    [
      ...checker.getPropertiesOfType(type).map((property) => property.name),
      ...checker.getIndexInfosOfType(type).map((info) => `[${checker.typeToString(info.keyType)}]`),
    ]
      .sort()
      .join();

  /** Objects with the same keys, each assignable to the other (all-optional ones match anything). */
  const sameShape = (a: ts.Type, b: ts.Type): boolean =>
    (a.flags & b.flags & ts.TypeFlags.Object) !== 0 &&
    keys(a) === keys(b) &&
    checker.isTypeAssignableTo(a, b) &&
    checker.isTypeAssignableTo(b, a);

  /** A named type this one is (the same type, or one assignable both ways), other than itself. */
  const nameOf = (type: ts.Type, except: string): string | undefined => {
    for (const [name, candidate] of named) {
      if (name === except) continue;
      if (candidate === type) return name;
      if (sameShape(type, candidate)) return name;
    }
    return undefined;
  };

  const print = (type: ts.Type, indent: string, self: string, dropUndefined = false): string => {
    const reference = nameOf(type, self);
    if (reference) return reference;
    if (type.isUnion()) {
      const members = type.types.filter(
        (member) =>
          !(member.flags & ts.TypeFlags.BooleanLiteral) &&
          !(dropUndefined && member.flags & ts.TypeFlags.Undefined),
      );
      const booleans = type.types.filter((member) => member.flags & ts.TypeFlags.BooleanLiteral);
      // null and undefined last, as people write them.
      const last = (member: ts.Type) => (member.flags & (ts.TypeFlags.Null | ts.TypeFlags.Undefined) ? 1 : 0);
      const printed = [...members]
        .sort((a, b) => last(a) - last(b))
        .map((member) => print(member, indent, self));
      // true | false is how the checker holds boolean.
      if (booleans.length === 2) printed.push("boolean");
      else for (const literal of booleans) printed.push(checker.typeToString(literal));
      return printed.join(" | ");
    }
    if (checker.isArrayType(type)) {
      const [element] = checker.getTypeArguments(type as ts.TypeReference);
      if (!element) return "unknown[]";
      const inner = print(element, indent, self);
      return element.isUnion() ? `(${inner})[]` : `${inner}[]`;
    }
    if (
      type.flags & ts.TypeFlags.Object &&
      !checker.getSignaturesOfType(type, ts.SignatureKind.Call).length
    ) {
      const properties = checker.getPropertiesOfType(type);
      const index = checker.getIndexInfoOfType(type, ts.IndexKind.String);
      if (index && properties.length === 0) return `Record<string, ${print(index.type, indent, self)}>`;
      const inner = `${indent}  `;
      const lines = properties.map((property) => {
        const optional = (property.flags & ts.SymbolFlags.Optional) !== 0;
        const key = IDENTIFIER.test(property.name) ? property.name : JSON.stringify(property.name);
        // `key?: T` says "or undefined" already.
        const printed = print(checker.getTypeOfSymbol(property), inner, self, optional);
        return `${comment(docOf(checker, property), inner)}${inner}${key}${optional ? "?" : ""}: ${printed};`;
      });
      return `{\n${lines.join("\n")}\n${indent}}`;
    }
    return checker.typeToString(type, undefined, ts.TypeFormatFlags.NoTruncation);
  };

  const schemaDoc = (schema: string): string => {
    if (!apiSymbol || !IDENTIFIER.test(schema)) return "";
    const exported = checker.getExportsOfModule(apiSymbol).find((each) => each.name === schema);
    // A named re-export (`export { Id } from ...`) is an alias of the declaration that holds the doc.
    const symbol =
      exported && exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    return symbol && symbol.flags & ts.SymbolFlags.Value ? docOf(checker, symbol) : "";
  };

  const blocks = TYPES.map(([name, schema]) => {
    const type = named.get(name) as ts.Type;
    const body = print(type, "", name);
    const declaration = body.startsWith("{")
      ? `export interface ${name} ${body}`
      : `export type ${name} = ${body};`;
    return `${comment(schemaDoc(schema), "")}${declaration}`;
  });
  return [
    "// Generated by scripts/contract.ts from the schemas in packages/api and the error codes in",
    "// packages/core (the single source of these): do not edit. `npm run contract -w packages/client`",
    "// writes it again.",
    "",
    ...blocks.flatMap((block) => [block, ""]),
  ].join("\n");
};

/** The registry's codes as a list the SDK ships, each with its status and meaning beside it. */
const renderErrorCodes = (): string =>
  [
    "/**",
    ' * Every `code` the API answers an error with (`{"error": {"code", ...}}`), from the registry in',
    " * packages/core/src/error-codes.ts; each with the status it comes with and what it means.",
    " */",
    "export const API_ERROR_CODES = [",
    ...Object.entries(ERROR_CODES).flatMap(([code, { kind, meaning }]) => [
      `  // ${STATUS_OF_KIND[kind]}: ${meaning}`,
      `  ${JSON.stringify(code)},`,
    ]),
    "] as const;",
    "",
  ].join("\n");

/** Formats as the repository does, so the file on disk and a fresh render compare equal. */
const format = (source: string): string => {
  const biome = spawnSync("npx", ["biome", "format", `--stdin-file-path=${OUTPUT}`], {
    input: source,
    encoding: "utf8",
    cwd: here("../../.."),
  });
  if (biome.status !== 0) throw new Error(`biome format failed: ${biome.stderr}`);
  return biome.stdout;
};

/** src/contract.ts as the schemas make it now. */
export const renderContract = (): string => {
  const configPath = here("../../../tsconfig.json");
  const config = ts.getParsedCommandLineOfConfigFile(
    configPath,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
      },
    },
  );
  if (!config) throw new Error(`Cannot read ${configPath}.`);
  const host = ts.createCompilerHost(config.options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, ...rest) =>
    fileName === PROBE
      ? ts.createSourceFile(fileName, probeSource, languageVersion, true)
      : getSourceFile(fileName, languageVersion, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (fileName) => fileName === PROBE || fileExists(fileName);
  const program = ts.createProgram({ rootNames: [PROBE], options: config.options, host });
  const errors = ts.getPreEmitDiagnostics(program, program.getSourceFile(PROBE));
  if (errors.length) {
    throw new Error(
      errors.map((error) => ts.flattenDiagnosticMessageText(error.messageText, "\n")).join("\n"),
    );
  }
  return format(`${render(program)}\n${renderErrorCodes()}`);
};

export const CONTRACT_PATH = OUTPUT;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await writeFile(OUTPUT, renderContract());
  console.log(`Wrote ${OUTPUT}`);
}
