/**
 * Scaling out: a second ConfluentSinkConsumer joins the group midway on the mock broker; the partitions are split
 * between the two, and nothing is lost in the handover (the scenario shared with the other adapters' launchers).
 */
import { testKafkaRebalance } from '@dynamo-sink/test-servers/kafka-scenarios';
import { confluentLauncher } from './support/launcher.js';

testKafkaRebalance(confluentLauncher);
