/** Times one run: wall clock, this process's CPU (all threads, user + system) and its peak RSS. */
export interface Sample {
  readonly items: number;
  readonly seconds: number;
  readonly itemsPerSec: number;
  readonly cpuSeconds: number;
  readonly cpuPer100k: number;
  readonly peakRssMB: number;
}

const RSS_EVERY_MS = 50;

export async function measure(run: () => Promise<number>): Promise<Sample> {
  // Start every run from a collected heap so one mode's garbage is not billed to the next (needs --expose-gc).
  (globalThis as { gc?: () => void }).gc?.();
  let peakRss = process.memoryUsage.rss();
  // maxRSS is per process lifetime, so sample to get this run's own peak.
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), RSS_EVERY_MS);
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  try {
    const items = await run();
    const seconds = (performance.now() - start) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    return {
      items,
      seconds,
      itemsPerSec: items / seconds,
      cpuSeconds,
      cpuPer100k: items > 0 ? (cpuSeconds * 100_000) / items : NaN,
      peakRssMB: peakRss / 2 ** 20,
    };
  } finally {
    clearInterval(sampler);
  }
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
