// pnpm loads this file before it installs anything, in every `pnpm install` of the workspace.
//
// @confluentinc/kafka-javascript (packages/confluent-kafka) first downloads a prebuilt binary; where that fails (a
// machine without internet) it builds librdkafka from the source it ships. Its default build links statically and
// downloads zlib, OpenSSL, zstd and curl sources for that, which fails the same way; CKJS_LINKING=dynamic links
// against the system's libraries instead and needs no download. pnpm runs install scripts as child processes that
// inherit its environment, so setting it here reaches that build. A value you set yourself wins.
process.env.CKJS_LINKING ??= 'dynamic';

module.exports = {};
