import { startDynalite, startDynamoDBLocal, type TestServer } from '@dynamo-sink/test-servers';
import type { TransportKind } from '../../src/index.js';

/**
 * Where the sink's integration tests run: each real server (dynalite in-process, AWS's DynamoDB Local) through each
 * transport, so that both transports meet the same tests. For `describe.each(...)('… on %s, transport %s', …)`.
 */
export const SERVER_MATRIX: readonly (readonly [server: string, transport: TransportKind, start: () => Promise<TestServer>])[] = [
  ['dynalite', 'sdk', () => startDynalite()],
  ['dynalite', 'direct', () => startDynalite()],
  ['DynamoDB Local', 'sdk', () => startDynamoDBLocal()],
  ['DynamoDB Local', 'direct', () => startDynamoDBLocal()],
];
