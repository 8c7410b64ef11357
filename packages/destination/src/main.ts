#!/usr/bin/env node
/**
 * `dynamo-sink-destination`: reads a Kafka topic into a DynamoDB table, configured by environment variables only (the
 * Python sample's names). Exit codes: 0 after a clean stop (SIGTERM, SIGINT), 1 when writing could not go on or a stop
 * took too long, 2 for a configuration problem (one line on stderr naming the variable).
 *
 * Built to `dist/main.js` and run by plain `node` (the package's bin); in the workspace, `pnpm destination` runs this
 * file through tsx. The signal handlers below are also what make it a well-behaved PID 1 in a container: the kernel
 * delivers SIGTERM to PID 1 only when it has a handler, and this process has one (and starts no child to reap).
 */
import { ConfigError } from '@dynamo-sink/core';
import { ConfigProblem, describeConfig, loadConfig, type DestinationConfig } from './config.js';
import { createLogger } from './logger.js';
import { DestinationService, STOP_TIMEOUT_MS } from './service.js';
import { SourceUnavailable } from './source-consumer.js';

const PROGRAM = 'dynamo-sink-destination';

let config: DestinationConfig;
try {
  config = loadConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigProblem)) throw error;
  process.stderr.write(`${PROGRAM}: configuration error: ${error.message}\n`);
  process.exit(2);
}

const logger = createLogger(config.logFormat);
// Node's process warnings become log lines like any other, so JSON logs stay JSON. One is dropped: kafkajs 2.2.4
// hands setTimeout negative delays, which Node 24 reports on every run (and runs as 1 ms, as kafkajs means).
process.removeAllListeners('warning');
process.on('warning', (warning) => {
  if (warning.name !== 'TimeoutNegativeWarning') logger.warn(`${warning.name}: ${warning.message}`);
});
logger.info(`${PROGRAM} starting`, describeConfig(config));
let service: DestinationService;
try {
  service = new DestinationService(config, { logger });
} catch (error) {
  // loadConfig checks every variable; this is the sink's own check of how they combine, should one slip past it.
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${PROGRAM}: configuration error: ${error.message}\n`);
  process.exit(2);
}

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) {
      logger.error(`${signal} again: exiting now, without finishing the writes in flight (they are read again on restart)`);
      process.exit(1);
    }
    stopping = true;
    logger.info(`${signal}: stopping: no more fetching, finishing the writes in flight, committing`, { timeout_s: STOP_TIMEOUT_MS / 1000 });
    setTimeout(() => {
      logger.error(`did not stop within ${STOP_TIMEOUT_MS / 1000} s: exiting anyway; uncommitted records are read again on restart`);
      process.exit(1);
    }, STOP_TIMEOUT_MS).unref();
    void service.stop();
  });
}

try {
  const totals = await service.run();
  logger.info('stopped', { written: totals.written, dead_lettered: totals.deadLettered, failed: totals.failed, retries: totals.retries });
  process.exit(0);
} catch (error) {
  if (error instanceof SourceUnavailable) {
    process.stderr.write(`${PROGRAM}: configuration error: ${error.message}\n`);
    process.exit(2);
  }
  const cause = (error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : undefined;
  logger.error(`stopped: ${(error as Error).message}`, { cause });
  process.exit(1);
}
