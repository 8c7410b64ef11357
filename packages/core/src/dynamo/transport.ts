import type {
  BatchWriteItemCommandInput,
  BatchWriteItemCommandOutput,
  CreateTableCommandInput,
  CreateTableCommandOutput,
  DeleteItemCommandInput,
  DeleteItemCommandOutput,
  DescribeTableCommandInput,
  DescribeTableCommandOutput,
  PutItemCommandInput,
  PutItemCommandOutput,
  UpdateItemCommandInput,
  UpdateItemCommandOutput,
  UpdateTimeToLiveCommandInput,
  UpdateTimeToLiveCommandOutput,
} from '@aws-sdk/client-dynamodb';
import { dynamodb } from './commonjs-packages.cjs';
import { decodeInput } from './json-protocol.js';
import type { DynamoClientLike } from './options.js';

const { BatchWriteItemCommand, CreateTableCommand, DeleteItemCommand, DescribeTableCommand, PutItemCommand, UpdateItemCommand, UpdateTimeToLiveCommand } = dynamodb;

/** The DynamoDB operations the sink uses, with their inputs and outputs. */
export interface Operations {
  BatchWriteItem: [BatchWriteItemCommandInput, BatchWriteItemCommandOutput];
  PutItem: [PutItemCommandInput, PutItemCommandOutput];
  DeleteItem: [DeleteItemCommandInput, DeleteItemCommandOutput];
  UpdateItem: [UpdateItemCommandInput, UpdateItemCommandOutput];
  DescribeTable: [DescribeTableCommandInput, DescribeTableCommandOutput];
  CreateTable: [CreateTableCommandInput, CreateTableCommandOutput];
  UpdateTimeToLive: [UpdateTimeToLiveCommandInput, UpdateTimeToLiveCommandOutput];
}
export type OperationName = keyof Operations;

/**
 * How requests reach DynamoDB: takes an operation and its input, returns DynamoDB's answer or throws an error named
 * as DynamoDB names it (`ProvisionedThroughputExceededException`, ...). What to send is decided above it; retries,
 * ordering and accounting sit above it too and never know which transport runs.
 */
export interface Transport {
  send<O extends OperationName>(operation: O, input: Operations[O][0]): Promise<Operations[O][1]>;
  /**
   * Sends a request body already written as DynamoDB's JSON (the sink writes its items that way), for `tables` (the
   * table names in it, which endpoint rules may read). Answers and errors as {@link Transport.send}.
   */
  sendJson<O extends OperationName>(operation: O, body: string, tables: readonly string[]): Promise<Operations[O][1]>;
  /** Releases connections the transport holds itself (the SDK client's are the client's). */
  destroy?(): void;
}

/** The SDK's command class of each operation (it also carries the operation's endpoint parameters). */
export const COMMANDS: Readonly<Record<OperationName, new (input: never) => object>> = {
  BatchWriteItem: BatchWriteItemCommand,
  PutItem: PutItemCommand,
  DeleteItem: DeleteItemCommand,
  UpdateItem: UpdateItemCommand,
  DescribeTable: DescribeTableCommand,
  CreateTable: CreateTableCommand,
  UpdateTimeToLive: UpdateTimeToLiveCommand,
};

/** Sends through a `DynamoDBClient` (or anything with its `send(command)`): its middleware, retries and logging stay in the path. */
export function sdkTransport(client: DynamoClientLike): Transport {
  const send: Transport['send'] = (operation, input) => client.send(new (COMMANDS[operation] as new (input: unknown) => unknown)(input));
  return {
    send,
    // The SDK takes its input shape: the text goes back to objects, binaries to Uint8Array.
    sendJson: (operation, body) => {
      let input;
      try {
        input = decodeInput(body);
      } catch (error) {
        return Promise.reject(error);
      }
      return send(operation, input as never);
    },
  };
}
