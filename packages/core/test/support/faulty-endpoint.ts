import { randomUUID } from 'node:crypto';
import { Agent, createServer, request, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { crc32 } from 'node:zlib';
import { FAULT_KINDS, faultSequence, type Fault, type FaultKind, type FaultPlan, type ThrottleErrorName } from './fault-plan.js';
import type { TestServer } from './test-server.js';

export type { Fault, FaultKind, FaultPlan, ThrottleErrorName } from './fault-plan.js';

/** What a faulty endpoint has seen and done so far (live counters). */
export interface FaultyEndpointStats {
  /** Every request, of any operation. */
  readonly requests: number;
  /** BatchWriteItem requests. */
  readonly batchWriteCalls: number;
  /** Requests of the faulted operations: each one got exactly one fault (`pass` included). */
  readonly faultedCalls: number;
  /** Faulted calls by the fault they got. */
  readonly faults: Readonly<Record<FaultKind, number>>;
  /** Write requests handed back as UnprocessedItems by `unprocessed` faults. */
  readonly unprocessedItems: number;
}

/** A proxy started by {@link startFaultyEndpoint}. */
export interface FaultyEndpoint extends TestServer {
  readonly stats: FaultyEndpointStats;
}

const TARGET_PREFIX = 'DynamoDB_20120810.';

export interface FaultyEndpointOptions {
  /**
   * The operations that get faults; `unprocessed` faults pass single-item calls through, as DynamoDB has no
   * UnprocessedItems for them. @default ['BatchWriteItem']
   */
  readonly operations?: readonly string[];
}

const THROTTLE_BODIES: Record<ThrottleErrorName, { __type: string; message: string }> = {
  ProvisionedThroughputExceededException: {
    __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
    message:
      'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
  },
  ThrottlingException: {
    __type: 'com.amazon.coral.availability#ThrottlingException',
    message: 'Rate of requests exceeds the allowed throughput.',
  },
  RequestLimitExceeded: {
    __type: 'com.amazonaws.dynamodb.v20120810#RequestLimitExceeded',
    message:
      'Throughput exceeds the current throughput limit for your account. Please contact AWS Support at https://aws.amazon.com/support request a limit increase',
  },
};

const SERVER_ERROR_BODY = { __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'Internal server error' };

interface UpstreamReply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

type WriteRequests = Record<string, unknown[]>;

/**
 * Starts an HTTP proxy on 127.0.0.1 in front of `upstream` (a dynalite or DynamoDB Local endpoint) that injects
 * faults into BatchWriteItem calls (or the `operations` given) according to `plan`. Every other operation passes
 * through untouched.
 * Requests are forwarded with their headers (Host included) and body as the SDK signed them.
 */
export async function startFaultyEndpoint(upstream: string, plan: FaultPlan, options: FaultyEndpointOptions = {}): Promise<FaultyEndpoint> {
  const upstreamUrl = new URL(upstream);
  const nextFault = faultSequence(plan);
  const faulted = new Set((options.operations ?? ['BatchWriteItem']).map((operation) => TARGET_PREFIX + operation));
  const agent = new Agent({ keepAlive: true });
  const faults = Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as Record<FaultKind, number>;
  const stats = { requests: 0, batchWriteCalls: 0, faultedCalls: 0, faults, unprocessedItems: 0 };

  const forward = (incoming: IncomingMessage, body: Buffer): Promise<UpstreamReply> =>
    new Promise((resolve, reject) => {
      const outgoing = request(
        {
          agent,
          host: upstreamUrl.hostname,
          port: upstreamUrl.port,
          method: incoming.method,
          path: incoming.url,
          headers: { ...incoming.headers, 'content-length': String(body.length) },
        },
        (reply) => {
          const chunks: Buffer[] = [];
          reply.on('data', (chunk: Buffer) => chunks.push(chunk));
          reply.on('end', () => resolve({ status: reply.statusCode ?? 502, headers: reply.headers, body: Buffer.concat(chunks) }));
          reply.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });

  const handle = async (incoming: IncomingMessage, respond: (reply: UpstreamReply) => void, drop: () => void) => {
    const body = await readBody(incoming);
    stats.requests++;
    const target = String(incoming.headers['x-amz-target']);
    const batchWrite = target === `${TARGET_PREFIX}BatchWriteItem`;
    if (batchWrite) stats.batchWriteCalls++;
    if (!faulted.has(target)) return respond(await forward(incoming, body));

    stats.faultedCalls++;
    const fault: Fault = nextFault();
    faults[fault.kind]++;
    switch (fault.kind) {
      case 'pass':
        return respond(await forward(incoming, body));
      case 'throttle':
        return respond(jsonReply(400, THROTTLE_BODIES[fault.error ?? 'ProvisionedThroughputExceededException']));
      case 'server-error':
        return respond(jsonReply(500, SERVER_ERROR_BODY));
      case 'drop-before-upstream':
        return drop();
      case 'drop-after-upstream':
        await forward(incoming, body);
        return drop();
      case 'unprocessed': {
        if (!batchWrite) return respond(await forward(incoming, body));
        const call = JSON.parse(body.toString('utf8')) as { RequestItems: WriteRequests };
        const { kept, handedBack, count } = splitOffLast(call.RequestItems, fault.items);
        stats.unprocessedItems += count;
        if (Object.keys(kept).length === 0) return respond(jsonReply(200, { UnprocessedItems: handedBack }));
        const reply = await forward(incoming, Buffer.from(JSON.stringify({ ...call, RequestItems: kept })));
        if (reply.status !== 200) return respond(reply);
        const answer = JSON.parse(reply.body.toString('utf8')) as { UnprocessedItems?: WriteRequests };
        const merged = mergeRequests(answer.UnprocessedItems ?? {}, handedBack);
        return respond(jsonReply(200, { ...answer, UnprocessedItems: merged }, reply.headers));
      }
    }
  };

  const server = createServer((incoming, outgoing) => {
    handle(
      incoming,
      (reply) => {
        outgoing.writeHead(reply.status, withoutHopByHop(reply.headers));
        outgoing.end(reply.body);
      },
      () => incoming.socket.destroy(),
    ).catch((error: unknown) => {
      // The upstream is gone or answered garbage: tell the client as a gateway would.
      if (!outgoing.headersSent) outgoing.writeHead(502, { 'content-type': 'text/plain' });
      outgoing.end(String(error));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    name: `faulty proxy for ${upstream}`,
    stats,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
        agent.destroy();
      });
      return closing;
    },
  };
}

function readBody(incoming: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => resolve(Buffer.concat(chunks)));
    incoming.on('error', reject);
  });
}

/** Splits the last `count` write requests (in request order, across tables) off a BatchWriteItem's RequestItems. */
function splitOffLast(requestItems: WriteRequests, count: number | 'all') {
  const flat = Object.entries(requestItems).flatMap(([table, requests]) => requests.map((request) => ({ table, request })));
  const keep = count === 'all' ? 0 : Math.max(0, flat.length - count);
  const group = (entries: typeof flat): WriteRequests => {
    const grouped: WriteRequests = {};
    for (const { table, request } of entries) (grouped[table] ??= []).push(request);
    return grouped;
  };
  return { kept: group(flat.slice(0, keep)), handedBack: group(flat.slice(keep)), count: flat.length - keep };
}

function mergeRequests(a: WriteRequests, b: WriteRequests): WriteRequests {
  const merged: WriteRequests = { ...a };
  for (const [table, requests] of Object.entries(b)) merged[table] = [...(merged[table] ?? []), ...requests];
  return merged;
}

/** A DynamoDB-style JSON reply, with the CRC32 header DynamoDB sends over the body. */
function jsonReply(status: number, payload: unknown, headersFrom: IncomingHttpHeaders = {}): UpstreamReply {
  const body = Buffer.from(JSON.stringify(payload));
  return {
    status,
    body,
    headers: {
      'x-amzn-requestid': randomUUID(),
      ...headersFrom,
      'content-type': 'application/x-amz-json-1.0',
      'content-length': String(body.length),
      'x-amz-crc32': String(crc32(body)),
    },
  };
}

/** Headers describing the proxy's own connection must not be copied to the client's. */
function withoutHopByHop(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const { connection: _connection, 'keep-alive': _keepAlive, 'transfer-encoding': _transferEncoding, ...rest } = headers;
  return rest;
}
