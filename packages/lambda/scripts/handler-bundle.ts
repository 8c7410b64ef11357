/**
 * Bundles a ten-line Lambda handler the way a deployment would (esbuild: one ESM file for Node 20, minified), for the
 * cold-start measurement (scripts/measure-cold-start.ts) and the test that keeps test-only code out of the bundle.
 */
import { build, type Metafile } from 'esbuild';
import { fileURLToPath } from 'node:url';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

/** Ten-line handlers, as a user writes them. */
export const HANDLERS = {
  /** An SQS trigger into DynamoDB. */
  sqs: `
import { DynamoSink } from '@dynamo-sink/core';
import { sqsHandler } from '@dynamo-sink/lambda';

const sink = new DynamoSink({ tableName: process.env.TABLE_NAME ?? 'events', partitionKey: 'id' });

export const handler = sqsHandler({ sink });
`,
  /** An MSK trigger into DynamoDB, dead letters to SQS. */
  kafkaWithSqsDeadLetters: `
import { DynamoSink } from '@dynamo-sink/core';
import { kafkaHandler } from '@dynamo-sink/lambda';
import { deadLetterToSqs } from '@dynamo-sink/lambda/sqs-dead-letter';

const sink = new DynamoSink({ tableName: process.env.TABLE_NAME ?? 'orders', partitionKey: 'id=key' });

export const handler = kafkaHandler({ sink, onDeadLetter: deadLetterToSqs(process.env.DLQ_URL ?? 'https://sqs.eu-west-1.amazonaws.com/123456789012/dlq') });
`,
  /** The same SQS handler without this package: DynamoSink alone, the baseline. */
  sinkOnly: `
import { DynamoSink } from '@dynamo-sink/core';

const sink = new DynamoSink({ tableName: process.env.TABLE_NAME ?? 'events', partitionKey: 'id' });

export const handler = async (event) => sink.write(event.Records.map((record) => ({ value: JSON.parse(record.body) })));
`,
} as const;

export type HandlerName = keyof typeof HANDLERS;

/** A bundle's code and what went into it. */
export interface HandlerBundle {
  readonly code: string;
  readonly bytes: number;
  readonly metafile: Metafile;
}

/** Bundles one of {@link HANDLERS}; `@dynamo-sink/lambda` resolves to this package's sources. */
export async function bundleHandler(name: HandlerName): Promise<HandlerBundle> {
  const result = await build({
    stdin: { contents: HANDLERS[name], resolveDir: packageRoot, sourcefile: `${name}-handler.mjs`, loader: 'js' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minify: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
    // Input paths in the metafile are relative to this: packages/core/src/..., node_modules/.pnpm/...
    absWorkingDir: repoRoot,
    alias: {
      '@dynamo-sink/lambda/sqs-dead-letter': `${packageRoot}src/sqs-dead-letter.ts`,
      '@dynamo-sink/lambda': `${packageRoot}src/index.ts`,
    },
    // CommonJS dependencies bundled into ESM call require() for Node's built-ins.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  });
  const code = result.outputFiles[0]!.text;
  return { code, bytes: Buffer.byteLength(code), metafile: result.metafile };
}

/** The bundle's input files by package (`@aws-sdk/client-dynamodb`, `@dynamo-sink/core`, ...), with their output bytes. */
export function bytesByPackage(bundle: HandlerBundle): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const output of Object.values(bundle.metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const name = packageOf(input);
      sizes.set(name, (sizes.get(name) ?? 0) + bytesInOutput);
    }
  }
  return new Map([...sizes].sort((a, b) => b[1] - a[1]));
}

/** `node_modules/.pnpm/x/node_modules/@scope/name/...` → `@scope/name`; the workspace's own sources by package folder. */
export function packageOf(input: string): string {
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules\/)/.exec(input);
  if (inModules) return inModules[1]!;
  const workspace = /packages\/([^/]+)\/src\//.exec(input);
  if (workspace) return `@dynamo-sink/${workspace[1]}`;
  return input;
}
