// Stands in for @aws-sdk/credential-provider-node in deployed bundles (see LAMBDA_ALIASES in the
// manifest). The store always passes S3_ACCESS_KEY_ID / S3_SECRET_ACCESS_KEY explicitly, so the
// SDK's default provider chain (env, SSO, IMDS, ... about 136 KiB) is never consulted; leaving it
// out makes every storage function smaller and faster to start.
export const defaultProvider = () => async () => {
  throw new Error("Storage credentials are configured explicitly (S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY).");
};
