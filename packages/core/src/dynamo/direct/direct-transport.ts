import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Buffer } from 'node:buffer';
import { crc32 } from 'node:zlib';
import type { Dispatcher } from 'undici';
import type { OperationName, Operations, Transport } from '../transport.js';
import { SkewedClock } from './clock.js';
import { CredentialCache, type Identity, type IdentityProvider } from './credentials.js';
import { resolveRoute, routeKey, type DynamoClientConfig, type Route } from './endpoint.js';
import { CLOCK_SKEW_ERRORS, Crc32MismatchError, serviceError, type ResponseMetadata } from './errors.js';
import { exchange, type RawResponse } from './exchange.js';
import { decodeOutput, encodeInput } from '../json-protocol.js';
import { SigV4Signer } from './sigv4.js';
import { undiciAgent as Agent } from '../commonjs-packages.cjs';

export interface DirectTransportOptions {
  /**
   * Keep-alive connections per endpoint: give at least the sink's `maxInFlight`, or requests queue for one.
   * Ignored when `dispatcher` is given.
   * @default 50 (the SDK's default)
   */
  readonly maxSockets?: number;
  /**
   * An undici dispatcher of your own for every request (say `new ProxyAgent(url)`, or an `Agent` with TLS settings)
   * instead of the keep-alive `Agent` made here. The client's `requestHandler` is not used by this transport.
   */
  readonly dispatcher?: Dispatcher;
  /**
   * Fails a request that waits longer than this for the answer's headers, or between two parts of its body, with a
   * retryable `TimeoutError` (it may or may not have been applied). 0 waits for ever.
   * @default 300_000 (undici's)
   */
  readonly requestTimeoutMs?: number;
}

/** A {@link Transport} that speaks DynamoDB's JSON protocol itself, over undici's HTTP/1.1 client. */
export interface DirectTransport extends Transport {
  /** Closes the transport's keep-alive sockets. Requests in flight fail. Idempotent. */
  destroy(): void;
}

const TARGET_PREFIX = 'DynamoDB_20120810.';
const CONTENT_TYPE = 'application/x-amz-json-1.0';
const DEFAULT_MAX_SOCKETS = 50;

/** A route with what sending on it needs. */
interface Target extends Route {
  readonly origin: string;
  readonly signer: SigV4Signer;
}

/**
 * Sends DynamoDB requests without the SDK's per-request machinery (middleware stack, serializers, signer, handler):
 * the input written with JSON.stringify, signed with SigV4 by {@link SigV4Signer}, POSTed over undici's keep-alive
 * connections (see exchange.ts for why undici), the answer checked against its `x-amz-crc32` and parsed with JSON.parse.
 *
 * What the SDK is good at stays the SDK's: credentials come from `client.config.credentials` (the provider chain,
 * with its refresh), the endpoint and signing region from the client's endpoint rules (region, FIPS, dual-stack,
 * custom `endpoint`). Errors are the SDK's exception classes, named and flagged as the SDK names and flags them, so
 * retry classification cannot tell the transports apart; clock skew is corrected from the server's `Date` as the
 * SDK does, into the same `client.config.systemClockOffset`.
 *
 * Not carried over from the client: its middleware (custom middleware, tracing, logging of requests), its
 * `requestHandler` (pass `dispatcher` for a proxy or TLS settings), its retries (the sink retries), endpoint discovery.
 *
 * @example
 * const client = new DynamoDBClient({ region: 'eu-west-1' });
 * const transport = directTransport(client, { maxSockets: 64 });
 * const { UnprocessedItems } = await transport.send('BatchWriteItem', { RequestItems: { events: [{ PutRequest: { Item } }] } });
 * transport.destroy();
 */
export function directTransport(client: DynamoDBClient, options: DirectTransportOptions = {}): DirectTransport {
  const config = (client as unknown as { config?: DynamoClientConfig } | undefined)?.config;
  if (typeof config?.endpointProvider !== 'function' || config.credentials === undefined) {
    throw new TypeError('directTransport needs a DynamoDBClient from @aws-sdk/client-dynamodb (its resolved config: credentials, region, endpoint rules)');
  }
  const maxSockets = options.maxSockets ?? DEFAULT_MAX_SOCKETS;
  if (!Number.isInteger(maxSockets) || maxSockets < 1) throw new TypeError(`Expected \`maxSockets\` to be a whole number >= 1, got ${maxSockets}`);
  const requestTimeoutMs = options.requestTimeoutMs;
  if (requestTimeoutMs !== undefined && !(Number.isInteger(requestTimeoutMs) && requestTimeoutMs >= 0)) {
    throw new TypeError(`Expected \`requestTimeoutMs\` to be a whole number >= 0, got ${requestTimeoutMs}`);
  }
  return new Direct(config, options.dispatcher ?? new Agent({ connections: maxSockets }), !options.dispatcher, requestTimeoutMs);
}

class Direct implements DirectTransport {
  private readonly credentials: CredentialCache;
  private readonly clock: SkewedClock;
  /** Resolved routes by operation and routeKey. */
  private readonly targets = new Map<string, Target>();
  private readonly resolving = new Map<string, Promise<Target>>();
  private readonly signers = new Map<string, SigV4Signer>();

  constructor(
    private readonly config: DynamoClientConfig,
    private readonly dispatcher: Dispatcher,
    private readonly ownsDispatcher: boolean,
    private readonly requestTimeoutMs: number | undefined,
  ) {
    const { credentials } = config;
    const provider: IdentityProvider = typeof credentials === 'function' ? credentials : () => Promise.resolve(credentials);
    this.credentials = new CredentialCache(provider);
    this.clock = new SkewedClock(config);
  }

  send<O extends OperationName>(operation: O, input: Operations[O][0]): Promise<Operations[O][1]> {
    let body: Buffer;
    try {
      body = Buffer.from(encodeInput(input));
    } catch (error) {
      return Promise.reject(error);
    }
    return this.dispatch(operation, body, input as Record<string, any>);
  }

  sendJson<O extends OperationName>(operation: O, body: string, tables: readonly string[]): Promise<Operations[O][1]> {
    const routing = operation === 'BatchWriteItem' ? { RequestItems: Object.fromEntries(tables.map((table) => [table, []])) } : { TableName: tables[0] };
    return this.dispatch(operation, Buffer.from(body), routing);
  }

  destroy(): void {
    if (this.ownsDispatcher) void this.dispatcher.destroy().catch(() => {});
  }

  /** The usual case (credentials fresh, route known) signs and sends without awaiting anything first. */
  private dispatch(operation: OperationName, body: Buffer, input: Record<string, any>): Promise<any> {
    const identity = this.credentials.current(Date.now());
    if (identity) {
      const target = this.targets.get(operation + routeKey(operation, input, identity));
      if (target) return this.request(target, operation, body, identity);
    }
    return this.dispatchAfterResolving(operation, body, input);
  }

  private async dispatchAfterResolving(operation: OperationName, body: Buffer, input: Record<string, any>): Promise<any> {
    const identity = this.credentials.current(Date.now()) ?? (await this.credentials.refresh());
    const key = operation + routeKey(operation, input, identity);
    let resolving = this.resolving.get(key);
    if (!resolving) {
      resolving = this.resolveTarget(operation, input).then((target) => {
        this.targets.set(key, target);
        return target;
      });
      // A failed resolution is not kept: the next request tries again.
      this.resolving.set(key, resolving);
      resolving.catch(() => this.resolving.delete(key));
    }
    return this.request(await resolving, operation, body, identity);
  }

  private async resolveTarget(operation: OperationName, input: Record<string, any>): Promise<Target> {
    const route = await resolveRoute(this.config, operation, input);
    const signerKey = `${route.signingRegion}\n${route.signingName}`;
    let signer = this.signers.get(signerKey);
    if (!signer) this.signers.set(signerKey, (signer = new SigV4Signer(route.signingRegion, route.signingName)));
    return { ...route, origin: `${route.protocol}//${route.host}`, signer };
  }

  private request(target: Target, operation: OperationName, body: Buffer, identity: Identity): Promise<any> {
    const headers: Record<string, string> = { host: target.host, 'content-type': CONTENT_TYPE, 'x-amz-target': TARGET_PREFIX + operation };
    if (target.headers) Object.assign(headers, target.headers);
    const offset = this.clock.offset;
    const sentAt = Date.now();
    headers.authorization = target.signer.sign({ method: 'POST', path: target.path, headers, body }, identity, sentAt + offset);
    const timeout = this.requestTimeoutMs;
    const options: Dispatcher.DispatchOptions = { origin: target.origin, path: target.path, method: 'POST', headers, body };
    if (timeout !== undefined) options.headersTimeout = options.bodyTimeout = timeout;
    return exchange(this.dispatcher, options, (response) => this.answer(operation, response, offset, sentAt));
  }

  /** The output of a complete answer, or throws its error. */
  private answer(operation: OperationName, response: RawResponse, offset: number, sentAt: number): Record<string, unknown> {
    const { status, body, requestId } = response;
    if (response.crc32 !== undefined) {
      const actual = crc32(body);
      if (actual !== Number(response.crc32)) throw new Crc32MismatchError(status, requestId, response.crc32, actual);
    }
    const text = body.toString('utf8');
    if (status >= 200 && status < 300) {
      this.clock.observe(response.date, sentAt, response.age);
      const output = decodeOutput(operation, text);
      output.$metadata = { httpStatusCode: status, requestId, attempts: 1, totalRetryDelay: 0 };
      return output;
    }
    const error = serviceError(status, response.errorType, requestId, text);
    if (CLOCK_SKEW_ERRORS.has(error.name)) {
      this.clock.observe(response.date, sentAt, response.age);
      // Corrected by this answer, or by another since this request was signed: signed again, it will pass.
      if (this.clock.offset !== offset) {
        ((error as { $metadata?: ResponseMetadata }).$metadata ??= {}).clockSkewCorrected = true;
        (error as { $retryable?: object }).$retryable = {};
      }
    }
    throw error;
  }
}
