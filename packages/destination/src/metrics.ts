/**
 * The service's metrics, in a prom-client registry: what DynamoSink's events report (requests, retries, throttling),
 * what the instrumented sink counts (written, stale, failed, pending), what the consumer knows (dead letters, lag),
 * and prom-client's default process metrics (event-loop lag, heap, GC, CPU, memory, file descriptors). Names follow
 * Prometheus's conventions: `_total` counters, base units (seconds).
 */
import type { SinkEvents } from '@dynamo-sink/core';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Where the metrics kept elsewhere are read, at scrape time. */
export interface MetricSources {
  written(): number;
  stale(): number;
  failed(): number;
  pending(): number;
  deadLettered(): number;
  /** Consumer lag in records, when known. */
  lag(): number | undefined;
  healthy(): boolean;
}

export interface ServiceMetricsOptions {
  /** Register prom-client's default metrics (`process_*`, `nodejs_*`) beside the service's. @default true */
  readonly defaultMetrics?: boolean;
}

/** Request latency buckets, in seconds: a BatchWriteItem takes ~5-30 ms in-region, seconds when throttled. */
const LATENCY_BOUNDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The registry, and the sink events that feed it. */
export class ServiceMetrics {
  /** What `/metrics` renders: `await registry.metrics()`, served as `registry.contentType`. */
  readonly registry = new Registry();
  private readonly retried: Counter;
  private readonly throttled: Counter;
  private readonly unprocessed: Counter;
  private readonly batchLatency: Histogram;

  constructor(sources: MetricSources, options: ServiceMetricsOptions = {}) {
    const registers = [this.registry];
    // Totals kept elsewhere are exposed as counters read at scrape time.
    const counterView = (name: string, help: string, read: () => number) =>
      new Counter({
        name,
        help,
        registers,
        collect() {
          this.reset();
          this.inc(read());
        },
      });
    counterView('dynamo_sink_records_written_total', 'Records written to DynamoDB (puts, updates and deletes).', sources.written);
    counterView('dynamo_sink_records_stale_total', 'Records not applied: the table held a newer version of the item (version_field).', sources.stale);
    counterView('dynamo_sink_records_failed_total', 'Records DynamoDB can never hold (bad key, bad value, too large, rejected).', sources.failed);
    counterView('dynamo_sink_records_dead_lettered_total', 'Messages produced to the dead-letter topic.', sources.deadLettered);
    this.retried = new Counter({ name: 'dynamo_sink_records_retried_total', help: 'Records sent again after a throttle, an error or UnprocessedItems.', registers });
    this.throttled = new Counter({ name: 'dynamo_sink_records_throttled_total', help: 'Records DynamoDB refused for capacity.', registers });
    this.unprocessed = new Counter({ name: 'dynamo_sink_records_unprocessed_total', help: 'Records DynamoDB handed back as UnprocessedItems.', registers });
    this.batchLatency = new Histogram({
      name: 'dynamo_sink_batch_latency_seconds',
      help: 'Time of one request, answered: a BatchWriteItem, or a single-item call (version_field, write_mode=update).',
      buckets: LATENCY_BOUNDS,
      registers,
    });
    new Gauge({
      name: 'dynamo_sink_records_pending',
      help: 'Records handed to the sink and not settled yet.',
      registers,
      collect() {
        this.set(sources.pending());
      },
    });
    new Gauge({
      name: 'dynamo_sink_consumer_lag',
      help: 'Records in the topic past the committed offsets.',
      registers,
      collect() {
        // Unknown (not read yet, brokers unreachable): no sample rather than a made-up 0.
        const lag = sources.lag();
        if (lag === undefined) this.remove();
        else this.set(lag);
      },
    });
    new Gauge({
      name: 'dynamo_sink_healthy',
      help: '1 while healthy, 0 when writing has stalled or the consumer stopped.',
      registers,
      collect() {
        this.set(sources.healthy() ? 1 : 0);
      },
    });
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  /** DynamoSink `events` that feed the counters and the histogram. */
  sinkEvents(): SinkEvents {
    return {
      batchWritten: (event) => {
        this.batchLatency.observe(event.latencyMs / 1000);
        this.unprocessed.inc(event.unprocessed);
      },
      retry: (event) => this.retried.inc(event.items),
      throttled: (event) => this.throttled.inc(event.items),
    };
  }

  /** The body of a `/metrics` answer, in the Prometheus text format. */
  render(): Promise<string> {
    return this.registry.metrics();
  }
}
