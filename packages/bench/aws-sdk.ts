/** The AWS SDK as the baseline uses it, with the HTTP handler the SDK itself uses by default. */
import { Agent } from 'node:http';
import { BatchWriteItemCommand, DynamoDBClient, type AttributeValue, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';

// Node 20 is supported by this project; the SDK's notice about future releases is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

export { BatchWriteItemCommand, DynamoDBClient, marshall };
export type { AttributeValue, WriteRequest };

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
