import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

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

/**
 * Listens on 127.0.0.1 and a free port. `close` is idempotent, drops idle keep-alive connections (SDK clients keep
 * them open; without this, close waits for them to time out), then runs `onClose`.
 */
export async function listenOnLoopback(server: Server, onClose?: () => void): Promise<Pick<TestServer, 'endpoint' | 'close'>> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error?: Error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
        onClose?.();
      });
      return closing;
    },
  };
}
