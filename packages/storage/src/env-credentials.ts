// What deployed functions get in place of "@aws-sdk/credential-provider-node" (the bundle plugin
// in packages/bundle/lambda-plugins.mjs swaps it in): credentials from the environment only.
// Lambda puts the execution role's keys there; S3-compatible stores are given keys explicitly.
export { fromEnv as defaultProvider } from "@aws-sdk/credential-provider-env";
