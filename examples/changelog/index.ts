// A changelog topic mirrored into DynamoDB, then replayed, all on this machine: librdkafka's mock cluster hosted by
// Debian's kcat (`apt-get install kcat`) and an embedded DynamoDB (dynalite).
//   pnpm example:changelog     (node --import tsx examples/changelog/index.ts)
// Produces the states of a dozen thermostats keyed by device id, with tombstones for decommissioned ones, mirrors the
// topic with KafkaSinkConsumer into a DynamoSink (items named from the message key, writes guarded by the Kafka
// timestamp, deletes kept as tombstone items), prints the table, then replays the whole topic with a new consumer
// group and prints the table again: every replayed record is stale, nothing changes. See changelog.ts.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'; // the SDK's Node 20 notice is not the example's business

import { runChangelogExample } from './changelog.js';

await runChangelogExample();
