/**
 * `@dynamo-sink/destination`: the service behind the `dynamo-sink-destination` bin, for programs that check its
 * configuration or run it in-process. Importing it starts nothing; the bin (`main.ts`) adds the signals and exit codes.
 *
 * @example
 * ```ts
 * import { createLogger, DestinationService, loadConfig } from '@dynamo-sink/destination';
 *
 * const config = loadConfig({ input: 'events', brokers: 'kafka:9092', param_partition_key: 'id', param_sort_key: '' });
 * const service = new DestinationService(config, { logger: createLogger(config.logFormat) });
 * process.once('SIGTERM', () => void service.stop());
 * const totals = await service.run(); // { written, deadLettered, failed, retries }
 * ```
 */
export {
  ConfigProblem,
  DEFAULTS,
  describeConfig,
  KAFKA_CLIENTS,
  loadConfig,
  type DestinationConfig,
  type KafkaClientName,
  type LogFormat,
} from './config.js';
export { createLogger, type LogFields, type Logger, type LogStreams } from './logger.js';
export { DestinationService, type ServiceOptions, type ServiceTotals } from './service.js';
