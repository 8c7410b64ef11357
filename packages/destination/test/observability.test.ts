import type { SinkRecord, WriteResult } from '@dynamo-sink/core';
import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../src/config.js';
import { HealthCheck } from '../src/health.js';
import { DEFAULT_METRICS_HOST, healthUrl } from '../src/health-probe.js';
import { startHttpEndpoints } from '../src/http-endpoints.js';
import { InstrumentedSink } from '../src/instrumented-sink.js';
import { createLogger } from '../src/logger.js';
import { ServiceMetrics } from '../src/metrics.js';
import { progressFields } from '../src/progress.js';

describe('metrics', () => {
  const sources = { written: () => 7, stale: () => 4, failed: () => 1, pending: () => 2, deadLettered: () => 1, lag: () => undefined as number | undefined, healthy: () => true };

  it('feeds the service metrics from DynamoSink events and leaves out an unknown lag', async () => {
    const metrics = new ServiceMetrics(sources, { defaultMetrics: false });
    const events = metrics.sinkEvents();
    events.batchWritten!({ operation: 'BatchWriteItem', written: 25, unprocessed: 3, stale: 0, latencyMs: 12 });
    events.batchWritten!({ operation: 'BatchWriteItem', written: 25, unprocessed: 0, stale: 0, latencyMs: 7_000 });
    events.retry!({ items: 3, attempt: 1, delayMs: 50, reason: 'unprocessed' });
    events.throttled!({ items: 3, reason: 'unprocessed' });
    const text = await metrics.render();
    expect(text).toMatch(/^dynamo_sink_records_written_total 7$/m);
    expect(text).toMatch(/^dynamo_sink_records_stale_total 4$/m);
    expect(text).toMatch(/^dynamo_sink_records_failed_total 1$/m);
    expect(text).toMatch(/^dynamo_sink_records_dead_lettered_total 1$/m);
    expect(text).toMatch(/^dynamo_sink_records_retried_total 3$/m);
    expect(text).toMatch(/^dynamo_sink_records_throttled_total 3$/m);
    expect(text).toMatch(/^dynamo_sink_records_unprocessed_total 3$/m);
    expect(text).toMatch(/^dynamo_sink_records_pending 2$/m);
    expect(text).toMatch(/^dynamo_sink_healthy 1$/m);
    // Cumulative buckets, +Inf, sum and count, as the text format wants them.
    expect(text).toMatch(/^dynamo_sink_batch_latency_seconds_bucket\{le="0.01"\} 0$/m);
    expect(text).toMatch(/^dynamo_sink_batch_latency_seconds_bucket\{le="0.025"\} 1$/m);
    expect(text).toMatch(/^dynamo_sink_batch_latency_seconds_bucket\{le="10"\} 2$/m);
    expect(text).toMatch(/^dynamo_sink_batch_latency_seconds_bucket\{le="\+Inf"\} 2$/m);
    expect(text).toMatch(/^dynamo_sink_batch_latency_seconds_sum 7.012$/m);
    expect(text).toMatch(/^dynamo_sink_batch_latency_seconds_count 2$/m);
    expect(text).toMatch(/^# TYPE dynamo_sink_consumer_lag gauge$/m);
    expect(text).not.toMatch(/^dynamo_sink_consumer_lag /m);
  });

  it('exposes every metric the service had before prom-client, with its type, and a lag once known', async () => {
    let lag: number | undefined;
    const metrics = new ServiceMetrics({ ...sources, lag: () => lag }, { defaultMetrics: false });
    lag = 40_120;
    const types = Object.fromEntries([...(await metrics.render()).matchAll(/^# TYPE (\S+) (\S+)$/gm)].map(([, name, type]) => [name, type]));
    expect(types).toEqual({
      dynamo_sink_records_written_total: 'counter',
      dynamo_sink_records_stale_total: 'counter',
      dynamo_sink_records_failed_total: 'counter',
      dynamo_sink_records_dead_lettered_total: 'counter',
      dynamo_sink_records_retried_total: 'counter',
      dynamo_sink_records_throttled_total: 'counter',
      dynamo_sink_records_unprocessed_total: 'counter',
      dynamo_sink_batch_latency_seconds: 'histogram',
      dynamo_sink_records_pending: 'gauge',
      dynamo_sink_consumer_lag: 'gauge',
      dynamo_sink_healthy: 'gauge',
    });
    expect(await metrics.render()).toMatch(/^dynamo_sink_consumer_lag 40120$/m);
  });

  it("adds prom-client's default process metrics: event-loop lag, heap, GC, CPU, memory", async () => {
    const text = await new ServiceMetrics(sources).render();
    for (const name of ['nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes', 'nodejs_gc_duration_seconds', 'process_cpu_seconds_total', 'process_resident_memory_bytes']) {
      expect(text, name).toMatch(new RegExp(`^# TYPE ${name} `, 'm'));
    }
    expect(text).toMatch(/^dynamo_sink_records_written_total 7$/m);
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
    const endpoints = await startHttpEndpoints({ port: 0, metrics: async () => 'x_total 1\n', health: () => (healthy ? { healthy, reason: 'ok' } : { healthy, reason: 'stalled' }) });
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

  it('answers /metrics with 500 and the reason when rendering fails', async () => {
    const endpoints = await startHttpEndpoints({ port: 0, metrics: () => Promise.reject(new Error('collector broke')), health: () => ({ healthy: true, reason: 'ok' }) });
    try {
      const response = await fetch(`http://127.0.0.1:${endpoints.port}/metrics`);
      expect([response.status, await response.text()]).toEqual([500, 'metrics failed: collector broke\n']);
    } finally {
      await endpoints.close();
    }
  });
});

describe("the image's health probe", () => {
  it('asks /health where the service listens: loopback for a wildcard host, and says why it cannot otherwise', () => {
    expect(DEFAULT_METRICS_HOST).toBe(DEFAULTS.metrics_host);
    expect(String(healthUrl({ metrics_port: '9464' }))).toBe('http://127.0.0.1:9464/health');
    expect(String(healthUrl({ metrics_port: '9464', metrics_host: '0.0.0.0' }))).toBe('http://127.0.0.1:9464/health');
    expect(String(healthUrl({ metrics_port: '9464', metrics_host: '::' }))).toBe('http://[::1]:9464/health');
    expect(String(healthUrl({ metrics_port: '6000', metrics_host: '10.0.0.7' }))).toBe('http://10.0.0.7:6000/health');
    expect(healthUrl({})).toBe('metrics_port is not set, so the service serves no /health: set it (the image sets 9464)');
    expect(healthUrl({ metrics_port: '0' })).toBe('metrics_port is "0": the probe needs the fixed port the service listens on (1-65535)');
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

  it('json (pino): one object a line with an ISO time and the level by name; errors on stderr only', () => {
    const { logger, out, err } = capture('json');
    logger.info('progress', { written: 10, lag: 'unknown', skipped: undefined });
    logger.warn('slow');
    logger.error('stopped', { cause: 'Table "x" does not exist' });
    expect(out).toHaveLength(2);
    expect(out.every((line) => line.endsWith('\n') && !line.slice(0, -1).includes('\n'))).toBe(true);
    const [info, warn] = out.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(info).toEqual({ level: 'info', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT[\d:.]+Z$/), msg: 'progress', written: 10, lag: 'unknown' });
    expect(warn).toMatchObject({ level: 'warn', msg: 'slow' });
    expect(err.map((line) => JSON.parse(line) as unknown)).toEqual([{ level: 'error', time: expect.any(String), msg: 'stopped', cause: 'Table "x" does not exist' }]);
  });

  it('progress fields: records/s over the interval since the last line', () => {
    const fields = progressFields({ written: 1_500, stale: 3, deadLettered: 1, failed: 1, retries: 4, throttled: 2, pending: 500, lag: undefined }, { at: 0, written: 500 }, 5_000);
    expect(fields).toEqual({ records_per_s: 200, written: 1_500, stale: 3, dead_lettered: 1, failed: 1, retries: 4, throttled: 2, pending: 500, lag: 'unknown' });
  });
});
