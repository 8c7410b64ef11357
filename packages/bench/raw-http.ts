/** The floor: pre-built bodies POSTed with plain node:http, unsigned, no SDK. */
import { Agent, request } from 'node:http';
import { TABLE, type RequestBody } from './workload.js';

const HEADERS = { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.BatchWriteItem' };

/** Sends every body with `inFlight` requests at once; resolves to the items written. */
export function runRawHttp(url: string, bodies: readonly RequestBody[], inFlight: number): Promise<number> {
  return sendBodies(bodies, inFlight, (agent, body) => post(url, agent, body, HEADERS));
}

/**
 * Sends every body through `send` with `inFlight` requests at once over one keep-alive agent, re-sending what comes
 * back unprocessed; resolves to the items written.
 */
export async function sendBodies(bodies: readonly RequestBody[], inFlight: number, send: (agent: Agent, body: string) => Promise<string>): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: inFlight });
  let next = 0;
  let written = 0;
  const worker = async () => {
    while (next < bodies.length) {
      let pending: RequestBody | undefined = bodies[next++]!;
      while (pending) {
        const out = JSON.parse(await send(agent, pending.body)) as { UnprocessedItems?: Record<string, unknown[]> };
        const unprocessed = out.UnprocessedItems?.[TABLE] ?? [];
        written += pending.items - unprocessed.length;
        pending = unprocessed.length > 0
          ? { body: JSON.stringify({ RequestItems: { [TABLE]: unprocessed } }), items: unprocessed.length }
          : undefined;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: inFlight }, worker));
  } finally {
    agent.destroy();
  }
  return written;
}

/** POSTs one body with these headers; resolves to the answer's text, rejects on anything but HTTP 200. */
export function post(url: string, agent: Agent, body: string, headers: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => (res.statusCode === 200 ? resolve(text) : reject(new Error(`HTTP ${res.statusCode}: ${text}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}
