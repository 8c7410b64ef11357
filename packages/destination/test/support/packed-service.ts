/**
 * The service as a user installs it: the workspace built and packed with core's `buildAndPack` (under its build lock,
 * so that no other test builds at the same time), and the tarballs of the service's production closure installed with
 * npm into a fresh folder outside the workspace, the way the image's install stage does (`npm install --omit=dev
 * --ignore-scripts` of the tarballs). Nothing of the workspace is reachable from there: no tsx, no TypeScript sources.
 */
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { run } from '../../../core/test/packaging/processes.js';
import { buildAndPack, discoverPublicPackages, installedPeer, REPO_ROOT, type PublicPackage, type Tarball } from '../../../core/test/packaging/public-packages.js';

export const SERVICE_PACKAGE = '@dynamo-sink/destination';
/** The optional clients and their adapters, packed too: a test (or the bench) installs one beside the service later. */
const OPTIONAL_CLIENTS = {
  'node-rdkafka': { adapter: '@dynamo-sink/node-rdkafka', client: 'node-rdkafka' },
  confluent: { adapter: '@dynamo-sink/confluent-kafka', client: '@confluentinc/kafka-javascript' },
} as const;
export type OptionalClient = keyof typeof OPTIONAL_CLIENTS;

/** The workspace packages `name` needs at run time: itself and its `dependencies`, transitively (not dev, not peer). */
export function productionClosure(packages: readonly PublicPackage[], name: string): PublicPackage[] {
  const byName = new Map(packages.map((pkg) => [pkg.name, pkg]));
  const needed = new Set<string>();
  const visit = (current: string) => {
    const pkg = byName.get(current);
    if (!pkg || needed.has(current)) return;
    needed.add(current);
    for (const dependency of Object.keys((pkg.manifest.dependencies ?? {}) as object)) visit(dependency);
  };
  visit(name);
  return packages.filter((pkg) => needed.has(pkg.name));
}

/** The installed service. */
export interface InstalledService {
  /** The project folder: what the image's `/app` is. */
  readonly dir: string;
  /** Where `node_modules/.bin/dynamo-sink-destination` leads. */
  readonly bin: string;
  /** The installed package's folder, `node_modules/@dynamo-sink/destination`. */
  readonly packageDir: string;
  /** How long each step took, for the test's summary. */
  readonly timings: ReadonlyMap<string, number>;
  /** Runs a command in the project folder with the environment of a shell outside the workspace. */
  run(command: string, args: readonly string[], options?: { env?: NodeJS.ProcessEnv; okCodes?: readonly number[] }): ReturnType<typeof run>;
  /**
   * Installs the clients' adapters (`@dynamo-sink/node-rdkafka`, `@dynamo-sink/confluent-kafka`) from their tarballs
   * and links the workspace's installed clients beside them. Once per project.
   */
  addClients(names: readonly OptionalClient[]): Promise<void>;
  remove(): Promise<void>;
}

/** Builds, packs and installs the service; the work folders are removed by `remove()`. */
export async function installPackedService(): Promise<InstalledService> {
  const timings = new Map<string, number>();
  const timed = async <T>(label: string, step: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await step();
    } finally {
      timings.set(label, performance.now() - started);
    }
  };
  const packages = discoverPublicPackages(REPO_ROOT);
  const closure = productionClosure(packages, SERVICE_PACKAGE);
  const adapters = Object.values(OPTIONAL_CLIENTS).map(({ adapter }) => {
    const pkg = packages.find((candidate) => candidate.name === adapter);
    if (!pkg) throw new Error(`${adapter} is not among the workspace's public packages`);
    return pkg;
  });
  const packDir = await mkdtemp(join(tmpdir(), 'dynamo-sink-destination-packs-'));
  const dir = await mkdtemp(join(tmpdir(), 'dynamo-sink-destination-app-'));
  if (!relative(REPO_ROOT, dir).startsWith('..')) throw new Error(`The project must be outside the workspace, but ${dir} is inside ${REPO_ROOT}`);
  const remove = () => Promise.all([rm(dir, { recursive: true, force: true }), rm(packDir, { recursive: true, force: true })]).then(() => undefined);
  try {
    const tarballs = await timed('pnpm build + pnpm pack', () => buildAndPack(REPO_ROOT, [...closure, ...adapters], packDir));
    const tarballOf = (name: string): Tarball => tarballs.find((tarball) => tarball.manifest.name === name)!;
    const env = userEnvironment();
    const inProject: InstalledService['run'] = (command, args, options = {}) => run(command, args, { cwd: dir, env: { ...env, ...options.env }, okCodes: options.okCodes });
    const npmInstall = (paths: readonly string[], extra: readonly string[] = []) =>
      inProject('npm', ['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...extra, ...paths]);

    await writeFile(join(dir, 'package.json'), `${JSON.stringify({ name: 'dynamo-sink-destination-app', private: true }, null, 2)}\n`);
    await timed('npm install', () => npmInstall(closure.map((pkg) => tarballOf(pkg.name).path)));
    const packageDir = join(dir, 'node_modules', ...SERVICE_PACKAGE.split('/'));
    return {
      dir,
      bin: await realpath(join(dir, 'node_modules', '.bin', 'dynamo-sink-destination')),
      packageDir,
      timings,
      run: inProject,
      async addClients(names) {
        const wanted = names.map((name) => OPTIONAL_CLIENTS[name]);
        // One npm install for all: a later one would prune the clients linked below, which package.json does not list.
        // --legacy-peer-deps: npm leaves the adapters' peers (the clients) to us; the workspace's copies, built once by
        // `pnpm install`, are linked instead of building librdkafka again (~2 minutes).
        const what = wanted.map(({ adapter }) => adapter).join(' ');
        await timed(`npm install ${what}`, () => npmInstall(wanted.map(({ adapter }) => tarballOf(adapter).path), ['--legacy-peer-deps']));
        for (const { adapter, client } of wanted) {
          const pkg = adapters.find((candidate) => candidate.name === adapter)!;
          const installed = installedPeer(pkg, client);
          if (!installed) throw new Error(`${client} is not installed in ${pkg.folder}: run pnpm install`);
          const target = join(dir, 'node_modules', ...client.split('/'));
          await mkdir(join(target, '..'), { recursive: true });
          await symlink(installed, target, 'dir');
        }
      },
      remove,
    };
  } catch (error) {
    if (!process.env['DYNAMO_SINK_KEEP_PACKAGING']) await remove();
    throw error;
  }
}

/**
 * The environment of a shell outside the workspace: without what pnpm and vitest set for their children
 * (npm_config_*, VITEST_*, NODE_OPTIONS), which would steer npm and node otherwise than a user's shell does.
 */
function userEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_|VITEST|NODE_OPTIONS$|NODE_ENV$|INIT_CWD$|TEST$)/i.test(key)) continue;
    env[key] = value;
  }
  env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';
  return env;
}
