import { defineRoute, errors, withShared } from "../common/routes";
import {
  CreatedWebhook,
  CreateWebhookBody,
  ListWebhooksQuery,
  WebhookDeliveriesQuery,
  WebhookDeliveryList,
  WebhookDeliveryParams,
  WebhookDeliveryView,
  WebhookList,
  WebhookParams,
  WebhookView,
} from "./schemas";

export const createWebhook = defineRoute({
  operationId: "createWebhook",
  method: "post",
  path: "/v1/webhooks",
  summary: "Subscribe a URL to artifact events; the answer holds the signing secret, shown this once",
  tag: "webhooks",
  auth: "required",
  scope: "write",
  body: CreateWebhookBody,
  responses: withShared(
    { 201: { description: "The subscription and its secret", schema: CreatedWebhook } },
    errors,
  ),
});

export const listWebhooks = defineRoute({
  operationId: "listWebhooks",
  method: "get",
  path: "/v1/webhooks",
  summary: "The caller's webhook subscriptions (admins: everyone's, or one user's with createdBy)",
  tag: "webhooks",
  auth: "required",
  scope: "read",
  query: ListWebhooksQuery,
  responses: withShared({ 200: { description: "Subscriptions", schema: WebhookList } }, errors),
});

export const deleteWebhook = defineRoute({
  operationId: "deleteWebhook",
  method: "delete",
  path: "/v1/webhooks/:webhookId",
  summary: "Delete a subscription; what it had queued is not sent",
  tag: "webhooks",
  auth: "required",
  scope: "write",
  params: WebhookParams,
  responses: withShared({ 204: { description: "Deleted" } }, errors),
});

export const resumeWebhook = defineRoute({
  operationId: "resumeWebhook",
  method: "post",
  path: "/v1/webhooks/:webhookId/resume",
  summary: "Resume a paused subscription; what was queued meanwhile goes out in order",
  tag: "webhooks",
  auth: "required",
  scope: "write",
  params: WebhookParams,
  responses: withShared({ 200: { description: "The subscription", schema: WebhookView } }, errors),
});

export const listWebhookDeliveries = defineRoute({
  operationId: "listWebhookDeliveries",
  method: "get",
  path: "/v1/webhooks/:webhookId/deliveries",
  summary: "A subscription's deliveries, newest first, each with its attempts",
  tag: "webhooks",
  auth: "required",
  scope: "read",
  params: WebhookParams,
  query: WebhookDeliveriesQuery,
  responses: withShared({ 200: { description: "Deliveries", schema: WebhookDeliveryList } }, errors),
});

export const redeliverWebhook = defineRoute({
  operationId: "redeliverWebhook",
  method: "post",
  path: "/v1/webhooks/deliveries/:deliveryId/redeliver",
  summary: "Queue one delivery again, due now (same webhook-id)",
  tag: "webhooks",
  auth: "required",
  scope: "write",
  params: WebhookDeliveryParams,
  responses: withShared(
    { 200: { description: "The delivery, queued", schema: WebhookDeliveryView } },
    errors,
  ),
});
