/**
 * A user's project outside the workspace, made from the packed tarballs: `npm install` of the tarballs (with their
 * dependencies from the npm registry), jest and @types/node; the fixture's sources; tsconfigs for `module: nodenext`
 * and for `module: commonjs`.
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createRequire } from 'node:module';
import { entryPoints, installedPeer, REPO_ROOT, type Tarball } from './public-packages.js';
import { run, type Ran } from './processes.js';

/** A compilation: its output is emitted even with type errors (TypeScript's default), which are listed here. */
export interface Compiled {
  /** TypeScript's diagnostics, one per line; empty when the project type-checks. */
  readonly errors: string;
  readonly ms: number;
}

export interface ThrowawayProject {
  readonly dir: string;
  /** The import specifiers of every public entry point, as `src/entry-points.*` imports them. */
  readonly entryPoints: readonly string[];
  /** The peer dependencies linked from the workspace: name → where. */
  readonly linkedPeers: ReadonlyMap<string, string>;
  /** Runs a command in the project, with the environment of a shell outside the workspace (plus `env`). */
  run(command: string, args: readonly string[], env?: NodeJS.ProcessEnv): Promise<Ran>;
  /** Runs the Node that runs this test. */
  node(args: readonly string[], env?: NodeJS.ProcessEnv): Promise<Ran>;
  /** Type-checks and compiles with the workspace's TypeScript and one of the project's tsconfigs. */
  tsc(tsconfig: string): Promise<Compiled>;
  remove(): Promise<void>;
}

/** The test runner a user installs; its major version only, as a user would pin it. */
const JEST_RANGE = '^30.0.0';

export async function createThrowawayProject(tarballs: readonly Tarball[], fixtureDir: string): Promise<ThrowawayProject> {
  const dir = await mkdtemp(join(tmpdir(), 'dynamo-sink-packaging-'));
  if (!relative(REPO_ROOT, dir).startsWith('..')) throw new Error(`The throwaway project must be outside the workspace, but ${dir} is inside ${REPO_ROOT}`);
  const env = userEnvironment();
  const inProject = (command: string, args: readonly string[], extra: NodeJS.ProcessEnv = {}) => run(command, args, { cwd: dir, env: { ...env, ...extra } });
  const core = tarballs.find((tarball) => tarball.manifest.name === '@dynamo-sink/core');
  if (!core) throw new Error('@dynamo-sink/core was not among the packed packages');
  const rootManifest = createRequire(import.meta.url)(join(REPO_ROOT, 'package.json')) as { devDependencies: Record<string, string> };

  await writeJson(join(dir, 'package.json'), {
    name: 'dynamo-sink-packaging-check',
    private: true,
    type: 'module',
    dependencies: {
      ...Object.fromEntries(tarballs.map((tarball) => [tarball.manifest.name, `file:${tarball.path}`])),
      // The user's own sink sends PutItem itself: the SDK as a direct dependency, at core's range (one copy).
      '@aws-sdk/client-dynamodb': (core.manifest.dependencies as Record<string, string>)['@aws-sdk/client-dynamodb'],
    },
    devDependencies: { jest: JEST_RANGE, '@jest/globals': JEST_RANGE, '@types/node': rootManifest.devDependencies['@types/node'] },
    // Our packages are ESM: jest runs ESM test files with Node's VM modules (`--experimental-vm-modules`), untransformed.
    jest: { testMatch: ['<rootDir>/dist/**/*.jest.test.mjs'], transform: {}, testEnvironment: 'node' },
  });
  const compilerOptions = { target: 'es2022', strict: true, skipLibCheck: false, types: ['node'], rootDir: 'src', declaration: false, sourceMap: false };
  // nodenext: .mts files are ESM, .cts files CommonJS (their imports become require() calls, of ESM: require(esm)).
  await writeJson(join(dir, 'tsconfig.json'), { compilerOptions: { ...compilerOptions, module: 'nodenext', outDir: 'dist' }, include: ['src'] });
  // commonjs: TypeScript's classic setting, whose module resolution (node10) reads `types` and `typesVersions`, not `exports`.
  // (`module: commonjs` with `moduleResolution: node16` is refused by TypeScript 5.2 and later, error TS5110.)
  await writeJson(join(dir, 'tsconfig.commonjs.json'), {
    compilerOptions: { ...compilerOptions, module: 'commonjs', outDir: 'dist-commonjs' },
    files: ['src/program.cts', 'src/entry-points.cts'],
  });

  const src = join(dir, 'src');
  await mkdir(src);
  for (const name of await readdir(fixtureDir)) await copyFile(join(fixtureDir, name), join(src, name));
  // The same program as CommonJS: only the file extension differs.
  await copyFile(join(fixtureDir, 'program.mts'), join(src, 'program.cts'));
  const specifiers = tarballs.flatMap(entryPoints);
  await writeFile(join(src, 'entry-points.mts'), entryPointsProgram(specifiers));
  await writeFile(join(src, 'entry-points.cts'), entryPointsProgram(specifiers));

  // --ignore-scripts: nothing is compiled (no package here needs an install script to work).
  // --legacy-peer-deps: npm leaves the peer dependencies (kafkajs, node-rdkafka) to us, as a user installs them;
  // they are linked from the workspace below, so node-rdkafka's native build (~2 minutes) is not redone.
  await inProject('npm', ['install', '--ignore-scripts', '--legacy-peer-deps', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error']);
  const linkedPeers = new Map<string, string>();
  for (const tarball of tarballs) {
    const optional = (tarball.manifest.peerDependenciesMeta ?? {}) as Record<string, { optional?: boolean }>;
    for (const peer of Object.keys((tarball.manifest.peerDependencies ?? {}) as object)) {
      if (linkedPeers.has(peer)) continue;
      const path = installedPeer(tarball.pkg, peer);
      if (path === undefined) {
        if (optional[peer]?.optional) continue;
        throw new Error(`${tarball.manifest.name} has the peer dependency ${peer}, which is not installed in ${tarball.pkg.folder}: add it to its devDependencies`);
      }
      const target = join(dir, 'node_modules', peer);
      // Already installed as another tarball's dependency (the destination service depends on kafkajs), or as a
      // tarball itself (@dynamo-sink/node-rdkafka, an optional peer of the service).
      if (existsSync(target)) continue;
      await mkdir(join(target, '..'), { recursive: true });
      await symlink(path, target, 'dir');
      linkedPeers.set(peer, path);
    }
  }

  const tscPath = createRequire(join(REPO_ROOT, 'package.json')).resolve('typescript/bin/tsc');
  return {
    dir,
    entryPoints: specifiers,
    linkedPeers,
    run: inProject,
    node: (args, extra) => inProject(process.execPath, args, extra),
    tsc: async (tsconfig) => {
      const started = performance.now();
      // Exit code 2: errors found, output emitted; anything else is a failure of tsc itself.
      const ran = await run(process.execPath, [tscPath, '-p', tsconfig], { cwd: dir, env, okCodes: [0, 2] });
      return { errors: ran.stdout.trim(), ms: performance.now() - started };
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** A program importing every entry point and printing each one's export names, as JSON. Valid as .mts and as .cts. */
function entryPointsProgram(specifiers: readonly string[]): string {
  const imports = specifiers.map((specifier, i) => `import * as entry${i} from '${specifier}';`);
  const entries = specifiers.map((specifier, i) => `  '${specifier}': entry${i},`);
  return [
    '// Generated by the packaging test: every public entry point of every public package.',
    ...imports,
    '',
    'const entries: Record<string, object> = {',
    ...entries,
    '};',
    'console.log(JSON.stringify(Object.fromEntries(Object.entries(entries).map(([name, entry]) => [name, Object.keys(entry).sort()]))));',
    '',
  ].join('\n');
}

/**
 * The environment of a shell outside the workspace: without what pnpm and vitest set for their children
 * (npm_config_*, VITEST_*, NODE_OPTIONS), which would steer npm, jest and node otherwise than a user's shell does.
 */
function userEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_|VITEST|NODE_OPTIONS$|NODE_ENV$|INIT_CWD$|TEST$)/i.test(key)) continue;
    env[key] = value;
  }
  // The AWS SDK's notice about Node 20's end of support would only add noise to the output checked.
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  return env;
}

async function writeJson(path: string, value: unknown): Promise<void> {
  await writeFile(path, `${JSON.stringify(value, null, 2)}\n`);
}
