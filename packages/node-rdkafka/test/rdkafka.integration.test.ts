/**
 * RdkafkaSinkConsumer against a real Kafka-protocol broker (librdkafka's mock cluster, hosted by kcat) writing into
 * DynamoSink on dynalite: the scenarios shared with @dynamo-sink/kafkajs, with a bound on the records buffered.
 */
import { testKafkaIntegration } from '@dynamo-sink/test-servers/kafka-scenarios';
import { rdkafkaLauncher } from './support/launcher.js';

testKafkaIntegration(rdkafkaLauncher);
