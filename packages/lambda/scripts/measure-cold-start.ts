// Cold start of a ten-line handler: the esbuild bundle's size, and the time Node takes to import it in a fresh
// process (Lambda's init phase runs exactly that), median of several runs, next to DynamoSink alone.
//   pnpm --filter @dynamo-sink/lambda measure [--runs 15]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { bundleHandler, bytesByPackage, HANDLERS, type HandlerName } from './handler-bundle.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' } } });
const runs = Number(values.runs);
const folder = mkdtempSync(join(tmpdir(), 'dynamo-sink-lambda-'));
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/** Imports the file in a fresh Node process and returns how long the import took, in ms. */
function importMs(file: string): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(file)}); process.stdout.write(String(performance.now() - t));`;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { PATH: process.env.PATH, AWS_REGION: 'eu-west-1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  return Number(output.toString());
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

try {
  console.log(`Node ${process.version}, ${runs} fresh processes per handler, taken in turns so that all see the same machine\n`);
  const names = Object.keys(HANDLERS) as HandlerName[];
  const bundles = new Map(await Promise.all(names.map(async (name) => [name, await bundleHandler(name)] as const)));
  const files = new Map(names.map((name) => [name, join(folder, `${name}.mjs`)]));
  for (const name of names) {
    writeFileSync(files.get(name)!, bundles.get(name)!.code);
    importMs(files.get(name)!); // the first run warms the disk cache
  }
  const times = new Map<HandlerName, number[]>(names.map((name) => [name, []]));
  for (let run = 0; run < runs; run++) for (const name of names) times.get(name)!.push(importMs(files.get(name)!));
  console.log('| handler | bundle | gzipped | @dynamo-sink/lambda | @dynamo-sink/core | import, median | min-max |');
  console.log('|---|---|---|---|---|---|---|');
  for (const name of names) {
    const bundle = bundles.get(name)!;
    const sizes = bytesByPackage(bundle);
    const each = times.get(name)!;
    console.log(
      `| ${name} | ${kb(bundle.bytes)} | ${kb(gzipSync(bundle.code).length)} | ${kb(sizes.get('@dynamo-sink/lambda') ?? 0)} | ${kb(sizes.get('@dynamo-sink/core') ?? 0)} | ` +
        `${median(each).toFixed(1)} ms | ${Math.min(...each).toFixed(1)}-${Math.max(...each).toFixed(1)} ms |`,
    );
  }
  const bundle = await bundleHandler('sqs');
  console.log('\nThe SQS handler bundle by package:');
  for (const [name, bytes] of [...bytesByPackage(bundle)].slice(0, 12)) console.log(`  ${kb(bytes).padStart(9)}  ${name}`);
} finally {
  rmSync(folder, { recursive: true, force: true });
}
