import { smithyEndpoints } from '../commonjs-packages.cjs';
import { COMMANDS, type OperationName } from '../transport.js';
import type { Identity } from './credentials.js';

/*
 * Where a request goes and how it is signed, resolved by the SDK's own endpoint rules from a DynamoDBClient's config:
 * region, FIPS, dual-stack, a custom `endpoint`, AWS_ENDPOINT_URL_DYNAMODB and the config file's endpoint_url,
 * account-based endpoints. Resolved once per operation (and per account and ARN table names, the only other inputs
 * the rules read), not per request.
 */

/** The parts of a DynamoDBClient's resolved config the transport reads. */
export interface DynamoClientConfig {
  readonly region: string | (() => Promise<string>);
  readonly credentials: (() => Promise<Identity>) | Identity;
  readonly endpointProvider: (params: any, context?: any) => EndpointV2;
  readonly signingName?: string;
  readonly signingRegion?: string;
  readonly defaultSigningName?: string;
  readonly logger?: unknown;
  systemClockOffset?: number;
  readonly [key: string]: unknown;
}

interface EndpointV2 {
  readonly url: URL;
  readonly properties?: { readonly authSchemes?: readonly { name?: string; signingRegion?: string; signingName?: string }[] } & Record<string, unknown>;
  readonly headers?: Record<string, string[]>;
}

/** A resolved destination for requests. */
export interface Route {
  readonly protocol: 'http:' | 'https:';
  readonly hostname: string;
  readonly port: number | undefined;
  /** The Host header, as signed. */
  readonly host: string;
  readonly path: string;
  readonly signingRegion: string;
  readonly signingName: string;
  /** Headers the endpoint rules or a custom endpoint ask for; sent and signed. */
  readonly headers: Readonly<Record<string, string>> | undefined;
}


/** Resolves the route of `operation` with the SDK's endpoint rules. */
export async function resolveRoute(config: DynamoClientConfig, operation: OperationName, input: object): Promise<Route> {
  // A copy, as the SDK's endpoint middleware passes one: resolving an endpoint from the environment writes to it.
  const endpoint = (await smithyEndpoints.getEndpointFromInstructions(input as any, COMMANDS[operation] as any, { ...config } as any, {
    logger: config.logger,
  } as any)) as EndpointV2;
  const scheme = endpoint.properties?.authSchemes?.[0];
  if (scheme?.name !== undefined && scheme.name !== 'sigv4') {
    throw new Error(`The endpoint for ${operation} asks for ${scheme.name} signing; the direct transport signs with sigv4 only: use transport 'sdk'`);
  }
  const region = typeof config.region === 'function' ? await config.region() : config.region;
  const { url } = endpoint;
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`Endpoint ${url.href} is not http or https`);
  let headers: Record<string, string> | undefined;
  for (const [name, values] of Object.entries(endpoint.headers ?? {})) (headers ??= {})[name.toLowerCase()] = values.join(',');
  return {
    protocol: url.protocol,
    hostname: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
    port: url.port === '' ? undefined : Number(url.port),
    // URL leaves out a port that is the default for its protocol, as the Host header does.
    host: url.host,
    // The SDK posts to the endpoint's path joined with the operation's `/`: `/dynamodb` becomes `/dynamodb/`.
    path: url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`,
    signingRegion: scheme?.signingRegion ?? config.signingRegion ?? region,
    signingName: scheme?.signingName ?? config.signingName ?? config.defaultSigningName ?? 'dynamodb',
    headers,
  };
}

/**
 * What, besides the operation, can change an operation's endpoint: the account of the credentials (account-based
 * endpoints) and table names given as ARNs. Empty for the usual table names and credentials without an account.
 */
export function routeKey(operation: OperationName, input: Record<string, any>, identity: Identity): string {
  let key = identity.accountId ?? '';
  if (operation === 'BatchWriteItem') {
    for (const table in input.RequestItems) if (table.startsWith('arn:')) key += `\n${table}`;
  } else if (typeof input.TableName === 'string' && input.TableName.startsWith('arn:')) {
    key += `\n${input.TableName}`;
  }
  return key;
}
