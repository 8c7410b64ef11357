/**
 * The container's health probe, as a function: `GET /health` of the service beside it, with one line saying what it
 * saw. `healthcheck.ts` runs it. It reads `metrics_port` and `metrics_host` as the service does; a wildcard host
 * (`0.0.0.0`, `::`) is probed on loopback. Nothing but node:http is imported: the probe runs every 30 s, and loading
 * the service's modules (the AWS SDK among them) would cost more CPU than the request.
 */
import { get as httpGet } from 'node:http';

/** The service's default `metrics_host` (config.ts's DEFAULTS; a test keeps the two equal). */
export const DEFAULT_METRICS_HOST = '127.0.0.1';

/** Longer than Docker's HEALTHCHECK --timeout would be pointless: Docker kills the probe then. */
const TIMEOUT_MS = 3_000;

/** Where `/health` answers for these variables, or a sentence saying why it does not. */
export function healthUrl(env: Readonly<Record<string, string | undefined>>): URL | string {
  const port = env['metrics_port']?.trim();
  if (!port) return 'metrics_port is not set, so the service serves no /health: set it (the image sets 9464)';
  if (!/^\d+$/.test(port) || Number(port) === 0 || Number(port) > 65_535) {
    return `metrics_port is ${JSON.stringify(port)}: the probe needs the fixed port the service listens on (1-65535)`;
  }
  const host = env['metrics_host']?.trim() || DEFAULT_METRICS_HOST;
  const probed = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return new URL(`http://${probed.includes(':') ? `[${probed}]` : probed}:${port}/health`);
}

/** Probes once: 0 when healthy, 1 when not (or unreachable), with a line on stdout or stderr. */
export async function probe(env: Readonly<Record<string, string | undefined>>): Promise<0 | 1> {
  const url = healthUrl(env);
  if (typeof url === 'string') {
    process.stderr.write(`unhealthy: ${url}\n`);
    return 1;
  }
  try {
    const { status, body } = await get(url);
    if (status === 200) {
      process.stdout.write(`healthy: ${body}\n`);
      return 0;
    }
    process.stderr.write(`unhealthy: ${url.href} answered ${status}: ${body}\n`);
  } catch (error) {
    process.stderr.write(`unhealthy: ${url.href} did not answer: ${(error as Error).message}\n`);
  }
  return 1;
}

/**
 * One GET with node:http, not fetch: fetch refuses the ports browsers block (6000, 6665-6669...), which a service
 * may well listen on, and loads undici on every probe.
 */
function get(url: URL): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpGet(url, { timeout: TIMEOUT_MS }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      response.once('end', () => resolve({ status: response.statusCode ?? 0, body: body.trim() }));
      response.once('error', reject);
    });
    request.once('timeout', () => request.destroy(new Error(`no answer within ${TIMEOUT_MS / 1000} s`)));
    request.once('error', reject);
  });
}
