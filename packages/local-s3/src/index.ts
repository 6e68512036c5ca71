// A throwaway single-node Ceph RADOS Gateway (a real S3 server) on 127.0.0.1,
// for `npm start` and the test suite. See README.md.
export { type LocalS3, type LocalS3Options, startLocalS3 } from "./cluster";
export { ensureCephInstalled } from "./install";
