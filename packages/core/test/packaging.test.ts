/**
 * The published packages as a user gets them: every public package built, packed with `pnpm pack`, and installed
 * with npm from its tarball into a fresh project outside the workspace. There, a program that uses every public
 * entry point is type-checked (`module: nodenext`, and `module: commonjs`), run as ESM and through `require`
 * (Node's require(esm)) on this Node, writing records into dynalite; and a user's own sink is tested with
 * `FakeDynamoDB` and `testSink` under jest and under `node --test`.
 *
 * Takes about 40 s (npm install from a warm cache ~10 s, each type-check ~10 s, both at once); the first run on a
 * machine downloads jest and the AWS SDK from the npm registry. Set DYNAMO_SINK_KEEP_PACKAGING=1 to keep the project.
 */
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokenImport, buildAndPack, declaredFiles, discoverPublicPackages, publishedImports, REPO_ROOT, type Tarball } from './packaging/public-packages.js';
import { createThrowawayProject, type Compiled, type ThrowawayProject } from './packaging/throwaway-project.js';
import { startDynalite, type TestServer } from '@dynamo-sink/test-servers';

const FIXTURE = fileURLToPath(new URL('./packaging/fixture/', import.meta.url));
/** The sink suite's tests for a sink with an `invalidRecord`, as jest and node:test must both report them passed. */
const SINK_SUITE_TESTS = 7;
const TEST_RUNNERS = ['vitest', 'jest', '@jest/globals', 'mocha'];

describe('the public packages, packed and installed with npm into a project outside the workspace', () => {
  const packages = discoverPublicPackages(REPO_ROOT);
  const timings = new Map<string, number>();
  let workDir: string | undefined;
  let tarballs: Tarball[] = [];
  let project: ThrowawayProject | undefined;
  let dynalite: TestServer | undefined;
  let nodenext: Promise<Compiled>;
  let commonjs: Promise<Compiled>;

  const timed = async <T>(label: string, step: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await step();
    } finally {
      timings.set(label, performance.now() - started);
    }
  };
  const tarballOf = (name: string) => {
    const tarball = tarballs.find((candidate) => candidate.manifest.name === name);
    if (!tarball) throw new Error(`No tarball for ${name}: packing failed (see beforeAll)`);
    return tarball;
  };
  const the = () => {
    if (!project) throw new Error('The throwaway project was not created (see beforeAll)');
    return project;
  };
  /** Runs a compiled program of the project with dynalite's endpoint; its last line of output, parsed. */
  const runProgram = async (args: readonly string[]) => {
    const ran = await the().node(args, { DYNAMODB_ENDPOINT: dynalite!.endpoint });
    return { ...ran, output: JSON.parse(ran.stdout.trim().split('\n').at(-1)!) as Record<string, unknown> };
  };

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'dynamo-sink-packs-'));
    [tarballs, dynalite] = await Promise.all([timed('pnpm build + pnpm pack', () => buildAndPack(REPO_ROOT, packages, workDir!)), startDynalite()]);
    project = await timed('npm install', () => createThrowawayProject(tarballs, FIXTURE));
    // Both compilations at once; each test awaits the one it needs. They emit despite type errors, so that a type
    // error fails its type-check test while the programs still run.
    nodenext = timed('tsc, module nodenext', () => project!.tsc('tsconfig.json'));
    commonjs = timed('tsc, module commonjs', () => project!.tsc('tsconfig.commonjs.json'));
  }, 300_000);

  afterAll(async () => {
    await Promise.allSettled([nodenext, commonjs]);
    await dynalite?.close();
    console.log(`packaging check: ${[...timings].map(([label, ms]) => `${label} ${(ms / 1000).toFixed(1)} s`).join(', ')}`);
    if (process.env.DYNAMO_SINK_KEEP_PACKAGING) console.log(`kept: ${project?.dir} and ${workDir}`);
    else await Promise.all([project?.remove(), workDir && rm(workDir, { recursive: true, force: true })]);
  }, 60_000);

  it('finds the public packages in packages/*', () => {
    expect(packages.map((pkg) => pkg.name)).toEqual(expect.arrayContaining(['@dynamo-sink/core', '@dynamo-sink/iterable', '@dynamo-sink/kafkajs', '@dynamo-sink/node-rdkafka']));
  });

  describe.each(packages.map((pkg) => [pkg.name, pkg] as const))('%s tarball', (name, pkg) => {
    it('carries the metadata users expect', () => {
      const { manifest } = tarballOf(name);
      expect(manifest).toMatchObject({
        license: 'Apache-2.0',
        repository: { type: 'git', url: expect.stringMatching(/^git\+https:\/\//), directory: pkg.folder },
        keywords: expect.arrayContaining([expect.any(String)]),
        sideEffects: false,
        type: 'module',
        types: expect.stringMatching(/^\.\/dist\/.+\.d\.ts$/),
        engines: { node: expect.any(String) },
      });
      expect(manifest.exports).toMatchObject({ '.': { types: expect.stringMatching(/^\.\/dist\//), default: expect.stringMatching(/^\.\/dist\/.+\.js$/) } });
      const runtime = { ...(manifest.dependencies as object), ...(manifest.peerDependencies as object) };
      expect(Object.keys(runtime).filter((dependency) => TEST_RUNNERS.includes(dependency)), 'test runners among its dependencies').toEqual([]);
    });

    it('holds no workspace-only paths: workspace: versions rewritten, exports into dist, every import resolvable for a user', async () => {
      const tarball = tarballOf(name);
      const manifestText = JSON.stringify(tarball.manifest);
      expect(manifestText).not.toContain('workspace:');
      for (const [dependency, range] of Object.entries((tarball.manifest.dependencies ?? {}) as Record<string, string>)) {
        const sibling = packages.find((candidate) => candidate.name === dependency);
        if (sibling) expect(range, `${dependency}: the version pnpm pack wrote`).toBe(sibling.version);
      }
      const missing = declaredFiles(tarball.manifest).filter((path) => !tarball.files.includes(path.replace(/^\.\//, '')));
      expect(missing, 'files named by exports/main/types/typesVersions but not in the tarball: is the package in the root `build` script?').toEqual([]);
      expect(tarball.files.filter((file) => /tsbuildinfo|(^|\/)test\//.test(file)), 'build info and tests are not published').toEqual([]);
      const broken = (await publishedImports(tarball)).map((site) => brokenImport(tarball, site)).filter(Boolean);
      expect(broken).toEqual([]);
      const absolute: string[] = [];
      for (const file of tarball.files.filter((path) => /\.(js|ts|map|json)$/.test(path))) {
        if ((await readFile(join(tarball.root, file), 'utf8')).includes(REPO_ROOT)) absolute.push(file);
      }
      expect(absolute, `files naming the workspace's path ${REPO_ROOT}`).toEqual([]);
    });
  });

  it('installs no test runner with our packages but the one the project asked for (jest)', async () => {
    // npm's record of what it installed, every package at its path.
    const lock = JSON.parse(await readFile(join(the().dir, 'node_modules', '.package-lock.json'), 'utf8')) as { packages: Record<string, unknown> };
    const installed = Object.keys(lock.packages).map((path) => path.replace(/^.*node_modules\//, ''));
    expect(installed).toEqual(expect.arrayContaining(tarballs.map((tarball) => tarball.manifest.name)));
    expect(installed.filter((name) => name === 'vitest' || name === 'mocha')).toEqual([]);
  });

  it('type-checks under module: nodenext (ESM .mts files, CommonJS .cts files), strict, skipLibCheck off', async () => {
    expect((await nodenext).errors).toBe('');
  });

  it('type-checks under module: commonjs (node10 resolution: types and typesVersions)', async () => {
    expect((await commonjs).errors).toBe('');
  });

  /** What every build of the program must print: the results of its writes, JSON-safe. */
  const expectProgramResults = (output: Record<string, unknown>, label: string) => {
    expect(output).toMatchObject({
      label,
      totals: { read: 100, written: 100, failed: 0, committed: '99' },
      ndjson: { read: 1, written: 1, failed: 0, committed: '1' },
      scanned: 101,
      big: { N: '12345678901234567890' },
      fake: { items: [{ id: 'a', n: 1 }], result: { written: 1, failed: [{ index: 1, reason: 'invalid-key', field: 'id' }] }, failureIsRecordError: true },
      scripted: { written: 1, failed: [{ index: 1, reason: 'invalid-value' }] },
      adapters: ['KafkaSinkConsumer', 'RdkafkaSinkConsumer'],
    });
    expect(output.suite).toHaveLength(SINK_SUITE_TESTS - 1); // run by hand, without a test runner; no invalidRecord there
  };

  it('runs as ESM: writes into dynalite through DynamoSink, pipeToSink and pipeNdjson, logs the results as JSON', async () => {
    await nodenext;
    const { output, stderr } = await runProgram(['dist/program.mjs', 'esm']);
    expectProgramResults(output, 'esm');
    expect(stderr).toBe('');
  });

  it('runs through require() (.cts under module: nodenext), with no warning from Node', async () => {
    await nodenext;
    const { output, stderr } = await runProgram(['dist/program.cjs', 'cjs-nodenext']);
    expectProgramResults(output, 'cjs-nodenext');
    expect(stderr).toBe('');
  });

  it('runs through require() (module: commonjs)', async () => {
    await commonjs;
    const { output, stderr } = await runProgram(['dist-commonjs/program.cjs', 'cjs-commonjs']);
    expectProgramResults(output, 'cjs-commonjs');
    expect(stderr).toBe('');
  });

  it('imports every public entry point as ESM and through require(), each with the same exports', async () => {
    await Promise.all([nodenext, commonjs]);
    const runs = await Promise.all(['dist/entry-points.mjs', 'dist/entry-points.cjs', 'dist-commonjs/entry-points.cjs'].map((file) => runProgram([file])));
    const [esm, ...required] = runs.map(({ output }) => output as Record<string, string[]>);
    expect(Object.keys(esm!).sort()).toEqual([...the().entryPoints].sort());
    for (const [entry, names] of Object.entries(esm!)) expect(names.length, `${entry} exports nothing at run time`).toBeGreaterThan(0);
    // TypeScript's CommonJS interop adds `default` (the whole namespace) to what require() gave.
    for (const cjs of required) expect(Object.fromEntries(Object.entries(cjs).map(([entry, names]) => [entry, names.filter((n) => n !== 'default')]))).toEqual(esm);
  });

  it('jest (ESM mode): a user sink passes testSink on FakeDynamoDB; the README example passes', async () => {
    await nodenext;
    const ran = await timed('jest', () => the().node(['--experimental-vm-modules', 'node_modules/jest/bin/jest.js', '--ci', '--json']));
    const report = JSON.parse(ran.stdout) as { numPassedTests: number; numFailedTests: number; testResults: { assertionResults: { fullName: string; status: string }[] }[] };
    const results = report.testResults.flatMap((file) => file.assertionResults);
    expect(results.filter((test) => test.fullName.startsWith('Sink contract: OrdersSink (jest)') && test.status === 'passed')).toHaveLength(SINK_SUITE_TESTS);
    // Beside the suite: a test of the user's own, and the README's jest example.
    expect({ passed: report.numPassedTests, failed: report.numFailedTests }).toEqual({ passed: SINK_SUITE_TESTS + 2, failed: 0 });
  });

  it('node --test: a user sink passes testSink on FakeDynamoDB', async () => {
    await nodenext;
    const ran = await timed('node --test', () => the().node(['--test', '--test-reporter=tap', 'dist/orders-sink.node.test.mjs']));
    const count = (what: string) => Number(new RegExp(`^# ${what} (\\d+)$`, 'm').exec(ran.stdout)?.[1]);
    expect({ pass: count('pass'), fail: count('fail'), skipped: count('skipped') }).toEqual({ pass: SINK_SUITE_TESTS + 1, fail: 0, skipped: 0 });
    expect(ran.stdout).toContain('ok 1 - Sink contract: OrdersSink (node:test)');
  });
});
