/**
 * A fake DynamoDB endpoint, meant to run in a process of its own so that its CPU is not the client's.
 *
 *   node --import tsx packages/bench/fake-endpoint.ts --latency 10 --throttle 0.1 --seed 1 \
 *     --hash-key year_month --range-key rest_of_ts --track-keys
 *
 * Answers BatchWriteItem after `--latency` ms, handing back `--throttle` of the items (seeded) as
 * UnprocessedItems, PutItem (every condition holds: each item is accepted once), and DescribeTable with an ACTIVE
 * table of the given key schema.
 * GET /stats returns the counters, POST /reset zeroes them. Reports its port over IPC when forked
 * (`{ port }`), else prints `listening <port>`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';
import { seededRandom } from '../core/src/testing/seeded-random.js';

const { values: opts } = parseArgs({
  options: {
    latency: { type: 'string', default: '10' },
    throttle: { type: 'string', default: '0' },
    seed: { type: 'string', default: '1' },
    'hash-key': { type: 'string', default: 'year_month' },
    'range-key': { type: 'string' },
    'track-keys': { type: 'boolean', default: false },
    port: { type: 'string', default: '0' },
  },
});
const latencyMs = Number(opts.latency);
const throttle = Number(opts.throttle);
const hashKey = opts['hash-key'];
const rangeKey = opts['range-key'];
const trackKeys = opts['track-keys'];

let random = seededRandom(Number(opts.seed));
let stats = freshStats();
// How many times each primary key was accepted; only kept when asked, it grows with the input.
let acceptedPerKey = new Map<string, number>();

function freshStats() {
  return { requests: 0, batchWrites: 0, putItems: 0, describeTables: 0, itemsAccepted: 0, itemsUnprocessed: 0, errors: 0, inFlight: 0, peakInFlight: 0 };
}

type AttributeValue = Record<string, unknown>;
type WriteRequest = { PutRequest?: { Item: Record<string, AttributeValue> }; DeleteRequest?: { Key: Record<string, AttributeValue> } };

function keyOf(request: WriteRequest): string {
  const attrs = request.PutRequest?.Item ?? request.DeleteRequest?.Key ?? {};
  const part = (name: string | undefined) => (name === undefined ? '' : JSON.stringify(attrs[name] ?? null));
  return `${part(hashKey)}\u0000${part(rangeKey)}`;
}

function batchWriteItem(body: { RequestItems?: Record<string, WriteRequest[]> }) {
  const unprocessed: Record<string, WriteRequest[]> = {};
  for (const [table, requests] of Object.entries(body.RequestItems ?? {})) {
    for (const request of requests) {
      if (throttle > 0 && random() < throttle) {
        (unprocessed[table] ??= []).push(request);
        stats.itemsUnprocessed++;
        continue;
      }
      accept(request);
    }
  }
  return { UnprocessedItems: unprocessed };
}

function accept(request: WriteRequest): void {
  stats.itemsAccepted++;
  if (!trackKeys) return;
  const key = keyOf(request);
  acceptedPerKey.set(key, (acceptedPerKey.get(key) ?? 0) + 1);
}

function describeTable(body: { TableName?: string }) {
  const keys = [[hashKey, 'HASH'], ...(rangeKey ? [[rangeKey, 'RANGE']] : [])] as const;
  return {
    Table: {
      TableName: body.TableName,
      TableStatus: 'ACTIVE',
      KeySchema: keys.map(([AttributeName, KeyType]) => ({ AttributeName, KeyType })),
      AttributeDefinitions: keys.map(([AttributeName]) => ({ AttributeName, AttributeType: 'S' })),
      BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' },
      ItemCount: 0,
      TableSizeBytes: 0,
    },
  };
}

function keyStats() {
  let duplicates = 0;
  let maxAccepts = 0;
  for (const n of acceptedPerKey.values()) {
    if (n > 1) duplicates++;
    if (n > maxAccepts) maxAccepts = n;
  }
  return { distinct: acceptedPerKey.size, duplicates, maxAccepts };
}

function reply(res: ServerResponse, status: number, payload: unknown) {
  const text = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function handleControl(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method === 'GET' && req.url === '/stats') {
    reply(res, 200, { ...stats, keys: trackKeys ? keyStats() : null });
  } else if (req.method === 'POST' && req.url === '/reset') {
    stats = freshStats();
    acceptedPerKey = new Map();
    random = seededRandom(Number(opts.seed));
    reply(res, 200, { ok: true });
  } else return false;
  req.resume();
  return true;
}

const server = createServer((req, res) => {
  if (handleControl(req, res)) return;
  stats.requests++;
  stats.peakInFlight = Math.max(stats.peakInFlight, ++stats.inFlight);
  res.on('close', () => stats.inFlight--);
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const target = String(req.headers['x-amz-target'] ?? '');
    let status = 200;
    let payload: unknown;
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      if (target === 'DynamoDB_20120810.BatchWriteItem') {
        stats.batchWrites++;
        payload = batchWriteItem(body);
      } else if (target === 'DynamoDB_20120810.PutItem') {
        stats.putItems++;
        accept({ PutRequest: { Item: body.Item } });
        payload = {};
      } else if (target === 'DynamoDB_20120810.DescribeTable') {
        stats.describeTables++;
        payload = describeTable(body);
      } else {
        status = 400;
        payload = { __type: 'com.amazon.coral.service#UnknownOperationException', message: `unknown target ${target}` };
      }
    } catch (error) {
      status = 400;
      payload = { __type: 'com.amazon.coral.validate#ValidationException', message: String(error) };
    }
    if (status !== 200) stats.errors++;
    if (latencyMs > 0) setTimeout(reply, latencyMs, res, status, payload);
    else reply(res, status, payload);
  });
});
server.keepAliveTimeout = 60_000;

server.listen(Number(opts.port), '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  if (process.send) process.send({ port });
  else console.log(`listening ${port}`);
});
// Forked: go when the bench goes, whichever way it ends.
process.on('disconnect', () => process.exit(0));
