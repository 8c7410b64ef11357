/**
 * The destination service: a Kafka consumer group on `input` writing into a DynamoSink, with a progress line, metrics
 * and health. `run()` runs it until `stop()` (a signal) or until writing cannot go on.
 */
import { DynamoSink, type SinkEvents } from '@dynamo-sink/core';
import type { JsonObject } from '@dynamo-sink/kafkajs';
import type { DestinationConfig } from './config.js';
import { dynamoSinkOptions } from './dynamo-sink-options.js';
import { HealthCheck } from './health.js';
import type { HttpEndpoints } from './http-endpoints.js';
import { InstrumentedSink } from './instrumented-sink.js';
import type { Logger } from './logger.js';
import { ProgressReporter } from './progress.js';
import { createSource, type SourceConsumer, type SourceStats } from './source-consumer.js';

/**
 * How long a stop (SIGTERM, SIGINT) may take before the bin exits anyway, with code 1. A platform's grace period must
 * be longer (Docker's is 10 s unless `--time`/`stop_grace_period` says otherwise; Kubernetes's 30 s).
 */
export const STOP_TIMEOUT_MS = 30_000;

/** Knobs that are not configuration: tests and the demo set them, operators need not. */
export interface ServiceOptions {
  readonly logger: Logger;
  /** How often the progress line is logged. @default 5_000 */
  readonly progressEveryMs?: number;
  /** Records pending and no write settled for this long: `/health` answers 503. @default 60_000 */
  readonly stallAfterMs?: number;
}

/** What the service did, when it stopped. */
export interface ServiceTotals extends SourceStats {
  readonly failed: number;
  readonly retries: number;
}

/** One run of the service. */
export class DestinationService {
  private readonly sink: InstrumentedSink<JsonObject | null>;
  /** What feeds the Prometheus registry, made (and prom-client loaded) only when `metrics_port` serves it. */
  private metricEvents: SinkEvents | undefined;
  /** For the progress line and the totals, metrics served or not. */
  private retried = 0;
  private throttled = 0;
  private readonly health: HealthCheck;
  private readonly progress: ProgressReporter;
  private readonly logger: Logger;
  private source: SourceConsumer | undefined;
  private endpoints: HttpEndpoints | undefined;
  private lastLag: number | undefined;
  private stopRequested = false;
  private consuming = false;

  constructor(
    private readonly config: DestinationConfig,
    options: ServiceOptions,
  ) {
    this.logger = options.logger;
    this.health = new HealthCheck(() => this.sink.stats, options.stallAfterMs ?? 60_000);
    const events: SinkEvents = {
      batchWritten: (event) => this.metricEvents?.batchWritten?.(event),
      retry: (event) => {
        this.retried += event.items;
        this.metricEvents?.retry?.(event);
      },
      throttled: (event) => {
        this.throttled += event.items;
        this.metricEvents?.throttled?.(event);
      },
    };
    this.sink = new InstrumentedSink(new DynamoSink<JsonObject | null>(dynamoSinkOptions(config, events)));
    this.progress = new ProgressReporter(
      this.logger,
      async () => {
        this.lastLag = (await this.source?.lag()) ?? this.lastLag;
        return { ...this.sink.stats, ...this.totals(), throttled: this.throttled, lag: this.lastLag };
      },
      options.progressEveryMs ?? 5_000,
    );
  }

  /** Totals so far. */
  totals(): ServiceTotals {
    const { written, failed } = this.sink.stats;
    return { written, failed, deadLettered: this.source?.stats.deadLettered ?? 0, retries: this.retried };
  }

  /**
   * Starts the endpoints, the consumer and the table (created when missing and `create_table`), then writes until
   * `stop()`. Rejects when writing cannot go on (a bad record without a dead-letter topic, retries ran out, the table
   * is missing, credentials refused), after committing what was written. Everything it started is closed when it settles.
   */
  async run(): Promise<ServiceTotals> {
    try {
      if (this.config.metricsPort !== undefined) {
        // Loaded here: a service without metrics_port starts without prom-client and its default collectors.
        const [{ ServiceMetrics }, { startHttpEndpoints }] = await Promise.all([import('./metrics.js'), import('./http-endpoints.js')]);
        const metrics = new ServiceMetrics({
          written: () => this.sink.stats.written,
          stale: () => this.sink.stats.stale,
          failed: () => this.sink.stats.failed,
          pending: () => this.sink.stats.pending,
          deadLettered: () => this.source?.stats.deadLettered ?? 0,
          lag: () => this.lastLag,
          healthy: () => this.health.status().healthy,
        });
        this.metricEvents = metrics.sinkEvents();
        this.endpoints = await startHttpEndpoints({
          port: this.config.metricsPort,
          host: this.config.metricsHost,
          metrics: () => metrics.render(),
          health: () => this.health.status(),
        });
        const base = `http://${urlHost(this.config.metricsHost)}:${this.endpoints.port}`;
        this.logger.info('metrics and health listening', { metrics: `${base}/metrics`, health: `${base}/health` });
      }
      this.source = await createSource({
        config: this.config,
        sink: this.sink,
        logger: this.logger,
        onJoined: () => this.logger.info('joined consumer group', { consumer_group: this.config.consumerGroup }),
      });
      // Check (or create, and wait for) the table before the first message is read. A template's tables are each
      // checked when their first record arrives.
      await this.sink.open();
      if (this.config.tableNameTemplate === undefined) this.logger.info('table ready', { table_name: this.config.tableName });
      else this.logger.info('tables checked at their first record', { table_name: this.config.tableNameTemplate });
      if (this.stopRequested) return this.totals();
      this.progress.start();
      this.consuming = true;
      await this.source.run();
      await this.progress.report(); // the last word on throughput and lag
      return this.totals();
    } catch (error) {
      this.health.markFailed((error as Error).message);
      throw error;
    } finally {
      this.progress.stop();
      await this.source?.close();
      await this.sink.close();
      await this.endpoints?.close();
    }
  }

  /** Stops fetching, finishes the writes in flight, commits them and leaves the group; `run()` then resolves. */
  async stop(): Promise<void> {
    this.stopRequested = true;
    if (this.consuming) await this.source?.stop();
  }
}

/** An address as the host part of a URL: IPv6 in brackets. */
function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
