import { ERROR_CODES, STATUS_OF_KIND } from "@artifact-store/core";
import { toJsonSchema } from "@valibot/to-json-schema";
import type { GenericSchema } from "valibot";
import type { RouteContract } from "./common/routes";
import { ROUTES } from "./routes";

type JsonObject = Record<string, unknown>;

// Pipelines that JSON Schema cannot express (toLowerCase) are described by their other checks.
const jsonSchemaOf = (schema: GenericSchema): JsonObject => {
  const { $schema: _ignored, ...rest } = toJsonSchema(schema, { errorMode: "ignore" }) as JsonObject;
  return rest;
};

const openApiPath = (honoPath: string): string => honoPath.replace(/:([A-Za-z0-9_]+)/g, "{$1}");

const parametersOf = (route: RouteContract): JsonObject[] => {
  const parameters: JsonObject[] = [];
  for (const [location, schema] of [
    ["path", route.params],
    ["query", route.query],
  ] as const) {
    if (!schema) continue;
    const object = jsonSchemaOf(schema) as { properties?: Record<string, unknown>; required?: string[] };
    for (const [name, property] of Object.entries(object.properties ?? {})) {
      parameters.push({
        name,
        in: location,
        required: location === "path" || (object.required ?? []).includes(name),
        schema: property,
      });
    }
  }
  if (route.ifMatch) {
    parameters.push({
      name: "If-Match",
      in: "header",
      required: false,
      description: 'The version you read, as its ETag ("3"); * or none applies the change to any version.',
      schema: { type: "string" },
    });
  }
  return parameters;
};

const operationOf = (route: RouteContract): JsonObject => ({
  operationId: route.operationId,
  summary: route.summary,
  tags: [route.tag],
  ...(route.auth === "none" ? { security: [] } : {}),
  ...(route.auth === "optional" ? { security: [{}, { bearer: [] }, { apiKey: [] }] } : {}),
  ...(route.scope ? { "x-required-scope": route.scope } : {}),
  parameters: parametersOf(route),
  ...(route.body
    ? {
        requestBody: {
          required: true,
          content: { "application/json": { schema: jsonSchemaOf(route.body) } },
        },
      }
    : {}),
  responses: Object.fromEntries(
    Object.entries(route.responses).map(([status, response]) => [
      status,
      {
        description: response.description,
        ...(response.schema
          ? { content: { "application/json": { schema: jsonSchemaOf(response.schema) } } }
          : {}),
      },
    ]),
  ),
});

/**
 * Every code an error answer's `error.code` can hold, from core's registry: as the ErrorCode schema
 * (an enum, for generators) and as `x-error-codes` (code -> status, kind and meaning, for people).
 */
const errorCodes = () => {
  const entries = Object.entries(ERROR_CODES);
  return {
    schema: {
      type: "string",
      enum: entries.map(([code]) => code),
      description: "The `error.code` of an error answer; x-error-codes gives each one's status and meaning.",
    },
    extension: Object.fromEntries(
      entries.map(([code, { kind, meaning }]) => [
        code,
        { status: STATUS_OF_KIND[kind], kind, description: meaning },
      ]),
    ),
  };
};

/** The OpenAPI 3.1 document, generated from the route contracts every function validates with. */
export const buildOpenApiDocument = (routes: readonly RouteContract[] = ROUTES): JsonObject => {
  const paths: Record<string, JsonObject> = {};
  for (const route of routes) {
    const path = openApiPath(route.path);
    paths[path] = { ...paths[path], [route.method]: operationOf(route) };
  }
  const codes = errorCodes();
  return {
    openapi: "3.1.0",
    info: {
      title: "Artifact store",
      version: "1.0.0",
      description:
        "Artifacts of web-scraping systems, uploaded and downloaded straight to and from S3-compatible storage.",
    },
    components: {
      schemas: { ErrorCode: codes.schema },
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "A JWT, or an API key (ask_...)" },
        apiKey: { type: "apiKey", in: "header", name: "X-API-Key" },
      },
    },
    security: [{ bearer: [] }, { apiKey: [] }],
    paths,
    "x-error-codes": codes.extension,
  };
};
