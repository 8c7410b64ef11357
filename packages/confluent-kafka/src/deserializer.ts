import type { KafkaJS } from '@confluentinc/kafka-javascript';
import type { Deserializer as AnyDeserializer } from '@dynamo-sink/kafka-common';

/** Turns a message of Confluent's KafkaJS API into a record's value. Throw (or reject) to send it to the dead-letter handler. */
export type Deserializer<V> = AnyDeserializer<V, KafkaJS.KafkaMessage>;
