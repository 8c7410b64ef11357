/**
 * Scaling out: a second KafkaSinkConsumer joins the group midway on the mock broker; the partitions are split between
 * the two, and nothing is lost in the handover (writes in flight finish and are committed before the group rejoins).
 * The scenario is shared with the other adapters' launchers.
 */
import { testKafkaRebalance } from '@dynamo-sink/test-servers/kafka-scenarios';
import { kafkajsLauncher } from './support/launcher.js';

testKafkaRebalance(kafkajsLauncher);
