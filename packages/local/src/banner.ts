// What `npm start` prints once everything is up: where each part is, how to get in, what to try.
import type { StorageConfig } from "@artifact-store/storage";

export interface BannerInput {
  apiUrl: string;
  storage: Pick<StorageConfig, "endpoint" | "region" | "bucket" | "accessKeyId" | "secretAccessKey">;
  /** The storage is the RGW `npm start` runs itself, whose keys are local-only: they are shown. */
  localStorage: boolean;
  catalogue: string;
  token: string;
  adminToken: string;
  /** The non-public ranges webhook targets may reach, as the server runs (comma-separated). */
  webhookPrivateRanges: string;
}

const storageLines = ({ storage, localStorage }: BannerInput): string[] => {
  const where = `${storage.endpoint ?? "AWS S3"}   region ${storage.region}   bucket "${storage.bucket}"`;
  if (!localStorage) {
    return [
      `  Storage:      ${where}`,
      `  S3 access:    key ${storage.accessKeyId} (S3_ACCESS_KEY_ID; the secret is yours and not shown)`,
    ];
  }
  return [
    `  Storage:      ${where}`,
    `  S3 access:    key ${storage.accessKeyId}   secret ${storage.secretAccessKey}`,
    "                (local-only development credentials of the RGW on this machine)",
  ];
};

const bucketTools = ({ storage, localStorage }: BannerInput): string[] =>
  localStorage
    ? [
        "",
        "The bucket with the AWS CLI, boto3 or rclone (the same local-only credentials):",
        `  export AWS_ACCESS_KEY_ID=${storage.accessKeyId} AWS_SECRET_ACCESS_KEY=${storage.secretAccessKey} \\`,
        `    AWS_REGION=${storage.region} AWS_ENDPOINT_URL=${storage.endpoint ?? ""}`,
        `  aws s3 ls s3://${storage.bucket}/ --recursive --endpoint-url $AWS_ENDPOINT_URL`,
        `  rclone ls :s3:${storage.bucket} --s3-provider Ceph --s3-env-auth --s3-endpoint $AWS_ENDPOINT_URL`,
        `  python3 -c 'import boto3; print(boto3.client("s3").list_objects_v2(Bucket="${storage.bucket}").get("KeyCount"))'`,
      ]
    : [];

const webhookLine = ({ webhookPrivateRanges }: BannerInput): string =>
  webhookPrivateRanges
    ? `  Webhooks:     targets public or in ${webhookPrivateRanges} (WEBHOOK_ALLOWED_PRIVATE_CIDRS)`
    : "  Webhooks:     public targets only (WEBHOOK_ALLOWED_PRIVATE_CIDRS is empty)";

export const startBanner = (input: BannerInput): string => {
  const { apiUrl: api, token } = input;
  return [
    "",
    "Artifact store is running.",
    `  Console:      ${api}/   (sign in with one click as dev-user or dev-admin)`,
    `  API:          ${api}   (OpenAPI: ${api}/openapi.json, health: ${api}/v1/health)`,
    ...storageLines(input),
    `  Catalogue:    ${input.catalogue}`,
    `  Dev token:    ${token}`,
    "                (user dev-user)",
    `  Admin token:  ${input.adminToken}`,
    "                (user dev-admin, role admin)",
    webhookLine(input),
    "",
    "A token for another user (to try sharing), for this store and DATA_DIR:",
    "  npm run -s dev-token -- --sub alice [--role admin]",
    ...bucketTools(input),
    "",
    "Try it (curl and jq):",
    `  export API=${api} TOKEN=${token}`,
    "  echo 'hello, artifacts' > hello.txt",
    `  UPLOAD=$(curl -s -X POST $API/v1/uploads -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' \\`,
    `    -d "{\\"filename\\":\\"hello.txt\\",\\"contentType\\":\\"text/plain\\",\\"size\\":$(stat -c%s hello.txt),\\"sha256\\":\\"$(sha256sum hello.txt | cut -d' ' -f1)\\",\\"md5\\":\\"$(openssl md5 -binary hello.txt | base64)\\"}")`,
    `  curl -s -X PUT -H 'content-type: text/plain' -H "content-md5: $(openssl md5 -binary hello.txt | base64)" \\`,
    `    -H "content-disposition: $(echo "$UPLOAD" | jq -r '.parts[0].headers["content-disposition"]')" \\`,
    `    --data-binary @hello.txt "$(echo "$UPLOAD" | jq -r '.parts[0].url')"`,
    `  ARTIFACT=$(curl -s -X POST $API/v1/uploads/$(echo "$UPLOAD" | jq -r .uploadId)/complete -H "Authorization: Bearer $TOKEN")`,
    `  curl -sL $API/v1/artifacts/$(echo "$ARTIFACT" | jq -r .id)/download -H "Authorization: Bearer $TOKEN"`,
    "",
    "Ctrl-C stops everything.",
  ].join("\n");
};
