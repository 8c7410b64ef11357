import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';

/** A DynamoDB-compatible HTTP endpoint started for a test. */
export interface TestServer {
  /** Base URL to give the SDK, e.g. `http://127.0.0.1:41234`. */
  readonly endpoint: string;
  /** Human-readable name for test titles and logs, e.g. `dynalite` or `DynamoDB Local 3.3.0`. */
  readonly name: string;
  /** Stops the server and releases its port. Idempotent. */
  close(): Promise<void>;
}

/**
 * An SDK client for a test endpoint: region us-east-1, dummy static credentials, and no SDK retries
 * (`maxAttempts: 1`), so a test sees every fault the server or proxy produces.
 */
export function makeClient(endpoint: string, extra: Partial<DynamoDBClientConfig> = {}): DynamoDBClient {
  return new DynamoDBClient({
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'AKIDTESTSERVER', secretAccessKey: 'test-server-secret' },
    maxAttempts: 1,
    ...extra,
  });
}
