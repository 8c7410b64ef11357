import type { SinkRecord, WriteResult } from '@dynamo-sink/core';
import { describe, expect, it } from 'vitest';
import { HealthCheck } from '../src/health.js';
import { startHttpEndpoints } from '../src/http-endpoints.js';
import { InstrumentedSink } from '../src/instrumented-sink.js';
import { createLogger } from '../src/logger.js';
import { ServiceMetrics } from '../src/metrics.js';
import { progressFields } from '../src/progress.js';
import { Counter, Histogram, Registry } from '../src/prometheus.js';

describe('Prometheus text', () => {
  it('renders counters and a cumulative histogram with +Inf, sum and count', () => {
    const registry = new Registry();
    registry.register(new Counter('things_total', 'Things.')).inc(3);
    const histogram = registry.register(new Histogram('latency_seconds', 'Latency.', [0.01, 0.1, 1]));
    for (const value of [0.005, 0.05, 0.05, 5]) histogram.observe(value);
    expect(registry.render()).toBe(
      [
        '# HELP things_total Things.',
        '# TYPE things_total counter',
        'things_total 3',
        '# HELP latency_seconds Latency.',
        '# TYPE latency_seconds histogram',
        'latency_seconds_bucket{le="0.01"} 1',
        'latency_seconds_bucket{le="0.1"} 3',
        'latency_seconds_bucket{le="1"} 3',
        'latency_seconds_bucket{le="+Inf"} 4',
        'latency_seconds_sum 5.105',
        'latency_seconds_count 4',
        '',
      ].join('\n'),
    );
  });

  it('feeds the service metrics from DynamoSink events and leaves out an unknown lag', () => {
    const metrics = new ServiceMetrics({ written: () => 7, stale: () => 4, failed: () => 1, pending: () => 2, deadLettered: () => 1, lag: () => undefined, healthy: () => true });
    const events = metrics.sinkEvents();
    events.batchWritten!({ operation: 'BatchWriteItem', written: 25, unprocessed: 3, stale: 0, latencyMs: 12 });
    events.retry!({ items: 3, attempt: 1, delayMs: 50, reason: 'unprocessed' });
    events.throttled!({ items: 3, reason: 'unprocessed' });
    const text = metrics.registry.render();
    expect(text).toMatch(/^dynamo_sink_records_written_total 7$/m);
    expect(text).toMatch(/^dynamo_sink_records_stale_total 4$/m);
    expect(text).toMatch(/^dynamo_sink_records_retried_total 3$/m);
    expect(text).toMatch(/^dynamo_sink_records_throttled_total 3$/m);
    expect(text).toMatch(/^dynamo_sink_batch_latency_seconds_bucket\{le="0.025"\} 1$/m);
    expect(text).toMatch(/^# TYPE dynamo_sink_consumer_lag gauge$/m);
    expect(text).not.toMatch(/^dynamo_sink_consumer_lag /m);
  });
});

describe('InstrumentedSink', () => {
  it('counts written, stale and failed records as the sink reports them', async () => {
    const record = { value: {} };
    const sink = new InstrumentedSink<unknown>({
      write: async (records) => ({
        written: records.length - 3,
        stale: 2,
        failed: [{ record, index: 0, reason: 'invalid-value' as const, error: new Error('bad') }],
      }),
    });
    await sink.write(Array.from({ length: 10 }, () => record));
    await sink.write(Array.from({ length: 5 }, () => record));
    expect(sink.stats).toMatchObject({ pending: 0, written: 9, stale: 4, failed: 2 });
  });
});

describe('health', () => {
  function slowSink() {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let clock = 0;
    const sink = new InstrumentedSink<unknown>(
      {
        async write(records: readonly SinkRecord<unknown>[]): Promise<WriteResult<unknown>> {
          await gate;
          return { written: records.length, failed: [] };
        },
      },
      () => clock,
    );
    return { sink, release, tick: (ms: number) => (clock += ms), now: () => clock };
  }

  it('is healthy while idle, unhealthy once records wait longer than the stall limit, healthy again after a write', async () => {
    const { sink, release, tick, now } = slowSink();
    const health = new HealthCheck(() => sink.stats, 60_000, now);
    tick(600_000); // idle for ten minutes: still healthy
    expect(health.status()).toEqual({ healthy: true, reason: 'ok' });
    const writing = sink.write([{ value: 1 }, { value: 2 }]);
    tick(59_000);
    expect(health.status().healthy).toBe(true);
    tick(1_000);
    expect(health.status()).toEqual({ healthy: false, reason: 'writing stalled: 2 records pending, nothing written for 60 s' });
    release();
    await writing;
    expect(sink.stats).toMatchObject({ pending: 0, written: 2 });
    expect(health.status().healthy).toBe(true);
    health.markFailed('Table "x" does not exist');
    expect(health.status()).toEqual({ healthy: false, reason: 'stopped: Table "x" does not exist' });
  });

  it('answers /health with 200 or 503 and /metrics in the text format, on 127.0.0.1', async () => {
    let healthy = true;
    const endpoints = await startHttpEndpoints({ port: 0, metrics: () => 'x_total 1\n', health: () => (healthy ? { healthy, reason: 'ok' } : { healthy, reason: 'stalled' }) });
    try {
      const base = `http://127.0.0.1:${endpoints.port}`;
      expect((await fetch(`${base}/health`)).status).toBe(200);
      healthy = false;
      const unhealthy = await fetch(`${base}/health`);
      expect([unhealthy.status, await unhealthy.text()]).toEqual([503, 'stalled\n']);
      const metrics = await fetch(`${base}/metrics`);
      expect(metrics.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      expect(await metrics.text()).toBe('x_total 1\n');
      expect((await fetch(`${base}/other`)).status).toBe(404);
    } finally {
      await endpoints.close();
    }
  });
});

describe('log lines', () => {
  function capture(format: 'text' | 'json') {
    const out: string[] = [];
    const err: string[] = [];
    const logger = createLogger(format, { out: { write: (line: string) => out.push(line) }, err: { write: (line: string) => err.push(line) } });
    return { logger, out, err };
  }

  it('text: time, level, message, key=value pairs (quoted when needed); errors on stderr', () => {
    const { logger, out, err } = capture('text');
    logger.info('progress', { written: 10, lag: 'unknown', note: 'two words', skipped: undefined });
    logger.error('stopped');
    expect(out[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z info  progress written=10 lag=unknown note="two words"\n$/);
    expect(err[0]).toMatch(/Z error stopped\n$/);
  });

  it('json: one object a line', () => {
    const { logger, out } = capture('json');
    logger.info('progress', { written: 10 });
    expect(JSON.parse(out[0]!)).toMatchObject({ level: 'info', msg: 'progress', written: 10 });
  });

  it('progress fields: records/s over the interval since the last line', () => {
    const fields = progressFields({ written: 1_500, stale: 3, deadLettered: 1, failed: 1, retries: 4, throttled: 2, pending: 500, lag: undefined }, { at: 0, written: 500 }, 5_000);
    expect(fields).toEqual({ records_per_s: 200, written: 1_500, stale: 3, dead_lettered: 1, failed: 1, retries: 4, throttled: 2, pending: 500, lag: 'unknown' });
  });
});
