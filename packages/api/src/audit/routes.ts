import { defineRoute, errors, withShared } from "../common/routes";
import { AuditExportResult, AuditPage, AuditQuery, AuditVerifyReport } from "./schemas";

export const queryAudit = defineRoute({
  operationId: "queryAudit",
  method: "get",
  path: "/v1/audit",
  summary: "Audit events, newest first, filtered, with cursor paging (admin)",
  tag: "audit",
  auth: "required",
  scope: "admin",
  query: AuditQuery,
  responses: withShared({ 200: { description: "A page of events", schema: AuditPage } }, errors),
});

export const verifyAudit = defineRoute({
  operationId: "verifyAudit",
  method: "get",
  path: "/v1/audit/verify",
  summary: "Recompute the audit hash chain and report the first break (admin)",
  tag: "audit",
  auth: "required",
  scope: "admin",
  responses: withShared({ 200: { description: "Verification report", schema: AuditVerifyReport } }, errors),
});

export const exportAudit = defineRoute({
  operationId: "exportAudit",
  method: "post",
  path: "/v1/audit/export",
  summary: "Export closed audit segments to the bucket as JSON Lines (admin; also scheduled)",
  tag: "audit",
  auth: "required",
  scope: "admin",
  responses: withShared({ 200: { description: "Segments exported", schema: AuditExportResult } }, errors),
});
