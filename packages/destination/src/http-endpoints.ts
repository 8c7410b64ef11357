/**
 * `/metrics` (Prometheus text) and `/health` (200 or 503, with the reason as text), with node:http, on 127.0.0.1
 * unless told otherwise (`metrics_host`).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { prometheusContentType } from 'prom-client';
import type { HealthStatus } from './health.js';

/** A listening endpoint server. */
export interface HttpEndpoints {
  /** The port it listens on (the chosen one when asked for port 0). */
  readonly port: number;
  close(): Promise<void>;
}

/** Starts the server on `host:port` and resolves once it listens. */
export async function startHttpEndpoints(options: {
  port: number;
  host?: string;
  /** The `/metrics` body; a rejection answers 500 with its message. */
  metrics: () => string | Promise<string>;
  health: () => HealthStatus;
}): Promise<HttpEndpoints> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
    } else if (path === '/metrics') {
      Promise.resolve()
        .then(options.metrics)
        .then(
          (body) => response.writeHead(200, { 'content-type': prometheusContentType }).end(body),
          (error: Error) => response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`metrics failed: ${error.message}\n`),
        );
    } else if (path === '/health') {
      const status = options.health();
      response.writeHead(status.healthy ? 200 : 503, { 'content-type': 'text/plain; charset=utf-8' }).end(`${status.reason}\n`);
    } else {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found: try /metrics or /health\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  let closing: Promise<void> | undefined;
  return {
    port: (server.address() as AddressInfo).port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        // A scraper's keep-alive connection would hold close() open until it times out.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
