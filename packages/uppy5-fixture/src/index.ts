// Uppy 5, as test/support/uppy-pages.ts imports it into the Uppy 5 page: resolved from this
// workspace, where @uppy/aws-s3 5.x finds its peer @uppy/core 5.x.
export { default as AwsS3 } from "@uppy/aws-s3";
export { default as Uppy } from "@uppy/core";
export { default as Dashboard } from "@uppy/dashboard";
export { default as GoldenRetriever } from "@uppy/golden-retriever";
