/**
 * The service's metrics: what DynamoSink's events report (requests, retries, throttling), what the instrumented sink
 * counts (written, stale, failed, pending) and what the consumer knows (dead letters, lag). Names follow Prometheus's
 * conventions: `_total` counters, base units (seconds).
 */
import type { SinkEvents } from '@dynamo-sink/core';
import { Counter, Gauge, Histogram, Registry } from './prometheus.js';

/** Where the gauges read their values at scrape time. */
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

/** Request latency buckets, in seconds: a BatchWriteItem takes ~5-30 ms in-region, seconds when throttled. */
const LATENCY_BOUNDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The registry, and the sink events that feed it. */
export class ServiceMetrics {
  readonly registry = new Registry();
  private readonly retried: Counter;
  private readonly throttled: Counter;
  private readonly unprocessed: Counter;
  private readonly batchLatency: Histogram;

  constructor(sources: MetricSources) {
    const { registry } = this;
    // Totals kept elsewhere are exposed as counters read at scrape time.
    registry.register(new CounterView('dynamo_sink_records_written_total', 'Records written to DynamoDB (puts, updates and deletes).', sources.written));
    registry.register(
      new CounterView('dynamo_sink_records_stale_total', 'Records not applied: the table held a newer version of the item (version_field).', sources.stale),
    );
    registry.register(
      new CounterView('dynamo_sink_records_failed_total', 'Records DynamoDB can never hold (bad key, bad value, too large, rejected).', sources.failed),
    );
    registry.register(new CounterView('dynamo_sink_records_dead_lettered_total', 'Messages produced to the dead-letter topic.', sources.deadLettered));
    this.retried = registry.register(new Counter('dynamo_sink_records_retried_total', 'Records sent again after a throttle, an error or UnprocessedItems.'));
    this.throttled = registry.register(new Counter('dynamo_sink_records_throttled_total', 'Records DynamoDB refused for capacity.'));
    this.unprocessed = registry.register(new Counter('dynamo_sink_records_unprocessed_total', 'Records DynamoDB handed back as UnprocessedItems.'));
    this.batchLatency = registry.register(
      new Histogram(
        'dynamo_sink_batch_latency_seconds',
        'Time of one request, answered: a BatchWriteItem, or a single-item call (version_field, write_mode=update).',
        LATENCY_BOUNDS,
      ),
    );
    registry.register(new Gauge('dynamo_sink_records_pending', 'Records handed to the sink and not settled yet.', sources.pending));
    registry.register(new Gauge('dynamo_sink_consumer_lag', 'Records in the topic past the committed offsets.', sources.lag));
    registry.register(new Gauge('dynamo_sink_healthy', '1 while healthy, 0 when writing has stalled or the consumer stopped.', () => (sources.healthy() ? 1 : 0)));
  }

  /** DynamoSink `events` that feed the counters and the histogram; `also` gets them too. */
  sinkEvents(also: SinkEvents = {}): SinkEvents {
    return {
      batchWritten: (event) => {
        this.batchLatency.observe(event.latencyMs / 1000);
        this.unprocessed.inc(event.unprocessed);
        also.batchWritten?.(event);
      },
      retry: (event) => {
        this.retried.inc(event.items);
        also.retry?.(event);
      },
      throttled: (event) => {
        this.throttled.inc(event.items);
        also.throttled?.(event);
      },
      failed: (failure) => also.failed?.(failure),
    };
  }

  get retries(): number {
    return this.retried.get();
  }

  get throttles(): number {
    return this.throttled.get();
  }
}

/** A counter whose value is kept by someone else. */
class CounterView {
  constructor(
    private readonly name: string,
    private readonly help: string,
    private readonly read: () => number,
  ) {}
  render(): string {
    return `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} counter\n${this.name} ${this.read()}\n`;
  }
}
