/**
 * The AWS SDK, loaded from where @dynamo-sink/core resolves it: bench/ is not a workspace
 * package, so a bare import would not resolve, and the sink and the baseline must share one copy.
 */
import { Agent } from 'node:http';
import { createRequire } from 'node:module';
import type * as DynamoDB from '@aws-sdk/client-dynamodb';
import type * as UtilDynamoDB from '@aws-sdk/util-dynamodb';

// Node 20 is supported by this project; the SDK's notice about future releases is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const requireFromCore = createRequire(new URL('../packages/core/package.json', import.meta.url));
const requireFromClient = createRequire(requireFromCore.resolve('@aws-sdk/client-dynamodb'));

export const { DynamoDBClient, BatchWriteItemCommand } =
  requireFromCore('@aws-sdk/client-dynamodb') as typeof DynamoDB;
export const { marshall } = requireFromCore('@aws-sdk/util-dynamodb') as typeof UtilDynamoDB;

type RequestHandler = NonNullable<DynamoDB.DynamoDBClientConfig['requestHandler']>;
// A dependency of the client, not of core: resolve it from the client, typed by what we use.
const { NodeHttpHandler } = requireFromClient('@smithy/node-http-handler') as {
  NodeHttpHandler: new (options: { httpAgent: Agent; connectionTimeout?: number }) => RequestHandler;
};

export type DynamoDBClient = DynamoDB.DynamoDBClient;
export type AttributeValue = DynamoDB.AttributeValue;
export type WriteRequest = DynamoDB.WriteRequest;

/** A client for the fake endpoint: one attempt (the callers re-send), keep-alive sockets enough for `maxSockets`. */
export function makeClient(endpoint: string, maxSockets: number): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: true, maxSockets }) }),
  });
}
