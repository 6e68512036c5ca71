// The entry point of the functions that manage webhooks or deliver them.
export { webhooksOf } from "./webhook-services";
