/**
 * Just enough of the Prometheus text exposition format (version 0.0.4) for this service: counters, gauges and one
 * histogram, no labels. Written here rather than pulled in from prom-client, which would be the only dependency for it.
 */

/** A metric that can print itself in the text format. */
interface Metric {
  render(): string;
}

function header(name: string, help: string, type: string): string {
  return `# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n# TYPE ${name} ${type}\n`;
}

/** A number in Prometheus's syntax: `+Inf`, `-Inf`, `NaN`, else as JavaScript prints it. */
export function formatValue(value: number): string {
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return Number.isNaN(value) ? 'NaN' : String(value);
}

/** A value that only goes up. */
export class Counter implements Metric {
  private value = 0;
  constructor(
    readonly name: string,
    private readonly help: string,
  ) {}
  inc(by = 1): void {
    if (by > 0) this.value += by;
  }
  get(): number {
    return this.value;
  }
  render(): string {
    return `${header(this.name, this.help, 'counter')}${this.name} ${formatValue(this.value)}\n`;
  }
}

/** A value read when scraped; `undefined` leaves the sample out (e.g. lag not known yet). */
export class Gauge implements Metric {
  constructor(
    readonly name: string,
    private readonly help: string,
    private readonly read: () => number | undefined,
  ) {}
  render(): string {
    const value = this.read();
    return `${header(this.name, this.help, 'gauge')}${value === undefined ? '' : `${this.name} ${formatValue(value)}\n`}`;
  }
}

/** Observations counted into cumulative buckets (`le` = less than or equal), with their sum and count. */
export class Histogram implements Metric {
  private readonly counts: number[];
  private sum = 0;
  private count = 0;
  constructor(
    readonly name: string,
    private readonly help: string,
    private readonly bounds: readonly number[],
  ) {
    if (bounds.some((bound, i) => i > 0 && bound <= bounds[i - 1]!)) throw new Error(`Histogram ${name}: bounds must increase`);
    this.counts = bounds.map(() => 0);
  }
  observe(value: number): void {
    this.sum += value;
    this.count += 1;
    // Stored per bucket, summed into cumulative counts when rendered: observe() is on the write path.
    const index = this.bounds.findIndex((bound) => value <= bound);
    if (index >= 0) this.counts[index]! += 1;
  }
  render(): string {
    let text = header(this.name, this.help, 'histogram');
    let cumulative = 0;
    this.bounds.forEach((bound, i) => {
      cumulative += this.counts[i]!;
      text += `${this.name}_bucket{le="${formatValue(bound)}"} ${cumulative}\n`;
    });
    text += `${this.name}_bucket{le="+Inf"} ${this.count}\n`;
    text += `${this.name}_sum ${formatValue(this.sum)}\n${this.name}_count ${this.count}\n`;
    return text;
  }
}

/** Metrics in the order they are exposed. */
export class Registry {
  private readonly metrics: Metric[] = [];
  register<M extends Metric>(metric: M): M {
    this.metrics.push(metric);
    return metric;
  }
  /** The body of a `/metrics` answer. */
  render(): string {
    return this.metrics.map((metric) => metric.render()).join('');
  }
}

/** The content type scrapers expect for the text format. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
