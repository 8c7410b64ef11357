import type { Deserializer as AnyDeserializer } from '@dynamo-sink/kafka-common';
import type { Message } from 'node-rdkafka';

/** Turns a node-rdkafka message into a record's value. Throw (or reject) to send the message to the dead-letter handler. */
export type Deserializer<V> = AnyDeserializer<V, Message>;
