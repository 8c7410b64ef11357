/**
 * A ConfluentSinkConsumer in its own process, for the crash test (see
 * `@dynamo-sink/test-servers/consume-child`): prints `committing` at its first commit.
 */
import { ConfluentSinkConsumer } from '../../src/index.js';
import { runConsumeChild } from '@dynamo-sink/test-servers/consume-child';
import { confluentKafka, consumerConfig } from './confluent-clients.js';

await runConsumeChild(({ bootstrap, groupId, topic, sink }) => {
  let announced = false;
  return new ConfluentSinkConsumer({
    kafka: confluentKafka(bootstrap, `child-${process.pid}`),
    consumerConfig: consumerConfig(groupId),
    sink,
    topics: [topic],
    fromBeginning: true,
    recordsPerWrite: 50,
    writesInFlightPerPartition: 1,
    onDeadLetter: () => {},
    onCommit: () => {
      if (!announced) console.log('committing');
      announced = true;
    },
  });
});
