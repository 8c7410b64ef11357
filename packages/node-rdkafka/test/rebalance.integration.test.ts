/**
 * Scaling out: a second RdkafkaSinkConsumer joins the group midway on the mock broker; the partitions are split
 * between the two, and nothing is lost in the handover (on a revoke, writes in flight finish and are committed before
 * `unassign`). The scenario is shared with the other adapters' launchers.
 */
import { testKafkaRebalance } from '@dynamo-sink/test-servers/kafka-scenarios';
import { rdkafkaLauncher } from './support/launcher.js';

testKafkaRebalance(rdkafkaLauncher);
