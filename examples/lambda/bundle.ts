// Bundles each handler into one ESM file for Lambda's Node.js runtime, for `sam deploy` (template.yaml's CodeUri):
//   pnpm --filter @dynamo-sink/example-lambda bundle   → dist/msk/index.mjs, dist/sqs/index.mjs
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

for (const name of ['msk', 'sqs']) {
  const result = await build({
    entryPoints: [`${here}src/${name}-handler.ts`],
    outfile: `${here}dist/${name}/index.mjs`,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    minify: true,
    sourcemap: true,
    metafile: true,
    // Bundled CommonJS dependencies call require() for Node's built-ins.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  });
  const bytes = Object.entries(result.metafile.outputs).find(([file]) => file.endsWith('.mjs'))![1].bytes;
  console.log(`dist/${name}/index.mjs  ${(bytes / 1024).toFixed(1)} KB`);
}
