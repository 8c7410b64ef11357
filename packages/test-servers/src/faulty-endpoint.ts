import { HttpRequest } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';
import { randomUUID } from 'node:crypto';
import { Agent, createServer, request, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { crc32 } from 'node:zlib';
import { FAULT_KINDS, faultSequence, type Fault, type FaultKind, type FaultPlan, type ThrottleErrorName } from './fault-plan.js';
import { Sha256 } from './sha256.js';
import { listenOnLoopback, type TestServer } from './test-server.js';

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
  /** Requests refused by `verifySignatures` (unknown or expired keys, bad signatures), before any fault. */
  readonly signatureRejections: number;
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
  /**
   * Checks every request's SigV4 signature as DynamoDB would, with the keys this function knows (undefined: an unknown
   * key): a bad signature, an unknown or expired key, or a session token that does not match its key is refused with
   * DynamoDB's error (InvalidSignatureException, UnrecognizedClientException, ExpiredTokenException) and counted in
   * `stats.signatureRejections`. Without it, signatures are not looked at (dynalite and DynamoDB Local do not either).
   */
  readonly verifySignatures?: (accessKeyId: string) => IssuedCredentials | undefined;
}

/** Credentials a {@link FaultyEndpointOptions.verifySignatures} endpoint accepts. */
export interface IssuedCredentials {
  readonly secretAccessKey: string;
  /** The token temporary credentials must come with. */
  readonly sessionToken?: string;
  /** Epoch ms after which requests signed with them are refused as expired. */
  readonly expiresAt?: number;
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

/** How far a request's signing time may be from the server's clock. */
const SIGNATURE_TOLERANCE_MS = 15 * 60_000;

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
  const stats = { requests: 0, batchWriteCalls: 0, faultedCalls: 0, faults, unprocessedItems: 0, signatureRejections: 0 };

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
    if (options.verifySignatures) {
      const refusal = await checkSignature(incoming, body, options.verifySignatures);
      if (refusal) {
        stats.signatureRejections++;
        return respond(refusal);
      }
    }
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
      case 'corrupt-body': {
        const reply = await forward(incoming, body);
        const crc = reply.headers['x-amz-crc32'] ?? String(crc32(reply.body));
        return respond({ ...reply, body: damage(reply.body), headers: { ...reply.headers, 'x-amz-crc32': crc } });
      }
      case 'corrupt-crc': {
        const reply = await forward(incoming, body);
        return respond({ ...reply, headers: { ...reply.headers, 'x-amz-crc32': String((crc32(reply.body) + 1) % 2 ** 32) } });
      }
      case 'clock-skew': {
        const serverNow = Date.now() + fault.skewMs;
        const date = new Date(serverNow).toUTCString();
        const signedAt = parseAmzDate(String(incoming.headers['x-amz-date']));
        if (Number.isNaN(signedAt) || Math.abs(signedAt - serverNow) > SIGNATURE_TOLERANCE_MS) {
          return respond(jsonReply(400, signatureExpiredBody(signedAt, serverNow), { date }));
        }
        const reply = await forward(incoming, body);
        return respond({ ...reply, headers: { ...reply.headers, date } });
      }
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
  return { ...(await listenOnLoopback(server, () => agent.destroy())), name: `faulty proxy for ${upstream}`, stats };
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

/** One letter changes case (the last one): the body stays JSON, and its CRC32 changes. No letter: a space is added. */
function damage(body: Buffer): Buffer {
  const damaged = Buffer.from(body);
  for (let i = damaged.length - 1; i >= 0; i--) {
    const byte = damaged[i]!;
    if ((byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a)) {
      damaged[i] = byte ^ 0x20;
      return damaged;
    }
  }
  return Buffer.concat([damaged, Buffer.from(' ')]);
}

/** `20261206T023733Z` -> epoch ms (NaN when malformed). */
function parseAmzDate(text: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : Number.NaN;
}

const amzDate = (ms: number) => new Date(ms).toISOString().replace(/[-:]|\.\d{3}/g, '');

/** DynamoDB's answer to a request signed too far from its clock. */
function signatureExpiredBody(signedAt: number, serverNow: number) {
  const signed = Number.isNaN(signedAt) ? 'no x-amz-date' : amzDate(signedAt);
  const message =
    signedAt < serverNow
      ? `Signature expired: ${signed} is now earlier than ${amzDate(serverNow - SIGNATURE_TOLERANCE_MS)} (${amzDate(serverNow)} - 15 min.)`
      : `Signature not yet current: ${signed} is still later than ${amzDate(serverNow + SIGNATURE_TOLERANCE_MS)} (${amzDate(serverNow)} + 15 min.)`;
  return { __type: 'com.amazon.coral.service#InvalidSignatureException', message };
}

const AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/;

/**
 * DynamoDB's checks of a request's signature, in its order: a key it knows, with its session token, not expired,
 * and a signature that @smithy/signature-v4 computes the same over the headers the request says it signed.
 * Returns the refusal, or undefined when the request passes.
 */
async function checkSignature(
  incoming: IncomingMessage,
  body: Buffer,
  lookUp: (accessKeyId: string) => IssuedCredentials | undefined,
): Promise<UpstreamReply | undefined> {
  const refuse = (type: string, message: string) => jsonReply(400, { __type: `com.amazon.coral.service#${type}`, message });
  const match = AUTHORIZATION.exec(String(incoming.headers.authorization ?? ''));
  if (!match) return refuse('MissingAuthenticationTokenException', 'Request is missing Authentication Token');
  const [, accessKeyId, , region, service, signedHeaders, signature] = match as unknown as string[];
  const issued = lookUp(accessKeyId!);
  const token = incoming.headers['x-amz-security-token'];
  if (!issued || token !== issued.sessionToken) return refuse('UnrecognizedClientException', 'The security token included in the request is invalid.');
  if (issued.expiresAt !== undefined && Date.now() > issued.expiresAt) {
    return refuse('ExpiredTokenException', 'The security token included in the request is expired');
  }
  const headers: Record<string, string> = {};
  for (const name of signedHeaders!.split(';')) headers[name] = String(incoming.headers[name] ?? '');
  const signedAt = parseAmzDate(headers['x-amz-date'] ?? '');
  if (Number.isNaN(signedAt)) return refuse('IncompleteSignatureException', 'Authorization header requires existence of either a \'X-Amz-Date\' or a \'Date\' header.');
  const signer = new SignatureV4({ credentials: { accessKeyId: accessKeyId!, ...issued }, region: region!, service: service!, sha256: Sha256, applyChecksum: false });
  const url = new URL(incoming.url ?? '/', 'http://localhost');
  const signed = await signer.sign(
    new HttpRequest({ method: incoming.method ?? 'POST', protocol: 'http:', hostname: headers.host ?? '', path: url.pathname, headers, body }),
    { signingDate: new Date(signedAt) },
  );
  if (!String(signed.headers.authorization).endsWith(`Signature=${signature}`)) {
    return refuse(
      'InvalidSignatureException',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    );
  }
  return undefined;
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
