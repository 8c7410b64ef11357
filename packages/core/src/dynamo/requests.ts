import type {
  AttributeValue,
  DeleteItemCommandInput,
  PutItemCommandInput,
  UpdateItemCommandInput,
  WriteRequest,
} from '@aws-sdk/client-dynamodb';

/*
 * What to send for a prepared record: the request shapes of the write semantics. Pure functions: no I/O, no options.
 * BatchWriteItem has no conditions and no updates, so guarded writes and updates go as single-item calls.
 */

type Item = Record<string, AttributeValue>;

/** A single-item call and its input. */
export type SingleRequest =
  | { readonly operation: 'PutItem'; readonly input: PutItemCommandInput }
  | { readonly operation: 'DeleteItem'; readonly input: DeleteItemCommandInput }
  | { readonly operation: 'UpdateItem'; readonly input: UpdateItemCommandInput };

/** DynamoDB's limits on an expression: its length, and the operators in it (each `=` of a SET counts). */
export const MAX_EXPRESSION_BYTES = 4096;
export const MAX_EXPRESSION_OPERATORS = 300;

/**
 * Applied only when no item holds the key, the stored item has no version, or its version is lower: equal versions
 * leave the stored item (replays are idempotent), and an unversioned item counts as older than any version.
 */
const GUARD = 'attribute_not_exists(#k) OR attribute_not_exists(#v) OR #v < :v';

export interface Guard {
  /** The partition key attribute: absent means no item for this key. */
  readonly keyAttribute: string;
  readonly versionAttribute: string;
  readonly version: AttributeValue;
}

export const putRequest = (item: Item): WriteRequest => ({ PutRequest: { Item: item } });
export const deleteRequest = (key: Item): WriteRequest => ({ DeleteRequest: { Key: key } });

export function guardedPut(table: string, item: Item, guard: Guard): SingleRequest {
  return { operation: 'PutItem', input: { TableName: table, Item: item, ...guardExpression(guard) } };
}

export function guardedDelete(table: string, key: Item, guard: Guard): SingleRequest {
  return { operation: 'DeleteItem', input: { TableName: table, Key: key, ...guardExpression(guard) } };
}

/**
 * Sets each of `attributes` (never a key attribute: DynamoDB refuses those) and removes `remove` (a tombstone's
 * marker); names and values always go through placeholders, so reserved words and odd characters are fine.
 * Returns undefined when the expression would be over DynamoDB's limits.
 */
export function updateRequest(table: string, key: Item, attributes: Item, remove: string | undefined, guard: Guard | undefined): SingleRequest | undefined {
  const names: Record<string, string> = {};
  const values: Item = {};
  const sets: string[] = [];
  let index = 0;
  for (const name in attributes) {
    names[`#a${index}`] = name;
    values[`:a${index}`] = attributes[name]!;
    sets.push(`#a${index} = :a${index}`);
    index++;
  }
  if (sets.length > MAX_EXPRESSION_OPERATORS) return undefined;
  let expression = sets.length > 0 ? `SET ${sets.join(', ')}` : '';
  if (remove !== undefined) {
    names['#t'] = remove;
    expression += `${expression ? ' ' : ''}REMOVE #t`;
  }
  if (expression.length > MAX_EXPRESSION_BYTES) return undefined;
  const input: UpdateItemCommandInput = { TableName: table, Key: key };
  if (expression) input.UpdateExpression = expression;
  if (guard) {
    const condition = guardExpression(guard);
    Object.assign(names, condition.ExpressionAttributeNames);
    Object.assign(values, condition.ExpressionAttributeValues);
    input.ConditionExpression = condition.ConditionExpression;
  }
  if (Object.keys(names).length > 0) input.ExpressionAttributeNames = names;
  if (Object.keys(values).length > 0) input.ExpressionAttributeValues = values;
  return { operation: 'UpdateItem', input };
}

function guardExpression(guard: Guard) {
  return {
    ConditionExpression: GUARD,
    ExpressionAttributeNames: { '#k': guard.keyAttribute, '#v': guard.versionAttribute },
    ExpressionAttributeValues: { ':v': guard.version },
  };
}
