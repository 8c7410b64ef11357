/**
 * The workspace's public packages (every packages/* whose package.json is not `private`), built, packed with
 * `pnpm pack` as they would be published, and read back from their tarballs for the packaging test to inspect.
 */
import { builtinModules } from 'node:module';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { run } from './processes.js';

/** A package.json, as far as the checks read it. */
export interface Manifest {
  readonly name: string;
  readonly version: string;
  readonly private?: boolean;
  readonly [field: string]: unknown;
}

export interface PublicPackage {
  readonly name: string;
  readonly version: string;
  /** Its folder in the workspace, e.g. `/…/packages/core`. */
  readonly dir: string;
  /** Its folder relative to the repository, e.g. `packages/core`. */
  readonly folder: string;
  /** The workspace's package.json (exports point at src). */
  readonly manifest: Manifest;
}

/** A packed package, unpacked. */
export interface Tarball {
  readonly pkg: PublicPackage;
  readonly path: string;
  /** The tarball's package.json: what npm sees. */
  readonly manifest: Manifest;
  /** Where it was unpacked (its `package/` folder). */
  readonly root: string;
  /** Its files, relative to `root`, in POSIX form. */
  readonly files: readonly string[];
}

/** Every packages/* whose package.json does not say `"private": true`, by folder name. */
export function discoverPublicPackages(repoRoot: string): PublicPackage[] {
  const packagesDir = join(repoRoot, 'packages');
  return readdirSync(packagesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(packagesDir, entry.name, 'package.json')))
    .map((entry) => {
      const dir = join(packagesDir, entry.name);
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
      return { name: manifest.name, version: manifest.version, dir, folder: `packages/${entry.name}`, manifest };
    })
    .filter((pkg) => pkg.manifest.private !== true)
    .sort((a, b) => a.folder.localeCompare(b.folder));
}

/**
 * `pnpm build` (the root script, `tsc -b` over the packages), then `pnpm pack` of each package into `destination`,
 * each unpacked beside its tarball. Build and packs hold a lock (`flock` on BUILD_LOCK): another test that builds or
 * packs the workspace at the same time must take it too, or one `tsc -b` could read what the other is writing.
 */
export async function buildAndPack(repoRoot: string, packages: readonly PublicPackage[], destination: string): Promise<Tarball[]> {
  await mkdir(destination, { recursive: true });
  const packs = packages.map((pkg) => `(cd ${shellQuote(pkg.dir)} && pnpm pack --pack-destination ${shellQuote(destination)})`);
  await run('flock', [BUILD_LOCK, 'sh', '-c', ['pnpm build', ...packs].join(' && ')], { cwd: repoRoot });
  return Promise.all(
    packages.map(async (pkg) => {
      const path = join(destination, `${pkg.name.replace(/^@/, '').replace('/', '-')}-${pkg.version}.tgz`);
      const unpacked = join(destination, 'unpacked', pkg.name.replace('/', '__'));
      await mkdir(unpacked, { recursive: true });
      await run('tar', ['-xzf', path, '-C', unpacked]);
      const root = join(unpacked, 'package');
      const manifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as Manifest;
      return { pkg, path, manifest, root, files: await listFiles(root) };
    }),
  );
}

/** The lock file `buildAndPack` holds while it builds and packs. */
export const BUILD_LOCK = join(tmpdir(), 'dynamo-sink-workspace-build.lock');

const shellQuote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

/** The import specifiers an entry point can be imported by, from the tarball's `exports`: `@dynamo-sink/core/testing`... */
export function entryPoints(tarball: Tarball): string[] {
  const exports = (tarball.manifest.exports ?? {}) as Record<string, unknown>;
  return Object.keys(exports)
    .filter((subpath) => subpath !== './package.json')
    .map((subpath) => (subpath === '.' ? tarball.manifest.name : `${tarball.manifest.name}/${subpath.slice(2)}`));
}

/** Every file path an `exports`, `main`, `types` or `typesVersions` field of the tarball's package.json names. */
export function declaredFiles(manifest: Manifest): string[] {
  const paths: string[] = [];
  const collect = (value: unknown): void => {
    if (typeof value === 'string') paths.push(value);
    else if (Array.isArray(value)) value.forEach(collect);
    else if (value && typeof value === 'object') Object.values(value).forEach(collect);
  };
  collect(manifest.exports);
  collect(manifest.main);
  collect(manifest.types);
  collect(manifest.typesVersions);
  return paths;
}

/** A module a published file imports. */
export interface ImportSite {
  readonly file: string;
  readonly specifier: string;
}

/**
 * The imports of every JavaScript and declaration file of the tarball, read by TypeScript's own pre-processor
 * (comments, such as JSDoc examples that import a test runner, are not imports).
 */
export async function publishedImports(tarball: Tarball): Promise<ImportSite[]> {
  const sites: ImportSite[] = [];
  for (const file of tarball.files.filter((name) => /\.(c|m)?js$|\.d\.(c|m)?ts$/.test(name))) {
    const text = await readFile(join(tarball.root, file), 'utf8');
    for (const imported of ts.preProcessFile(text, true, true).importedFiles) sites.push({ file, specifier: imported.fileName });
  }
  return sites;
}

/** Why an import of a published file would fail for a user: it leaves the package, or names a package not declared. */
export function brokenImport(tarball: Tarball, site: ImportSite): string | undefined {
  const { specifier, file } = site;
  if (specifier.startsWith('.')) {
    const target = posix.normalize(posix.join(posix.dirname(file), specifier));
    return target.startsWith('../') ? `${file} imports ${specifier}, outside the package` : undefined;
  }
  if (specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0]!)) return undefined;
  const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;
  if (name === tarball.manifest.name) return undefined;
  const declared = { ...(tarball.manifest.dependencies as object), ...(tarball.manifest.peerDependencies as object) };
  // Types of a package that ships none come from @types/<name> (@types/scope__name for a scoped one).
  const typesName = `@types/${name.replace(/^@/, '').replace('/', '__')}`;
  if (name in declared || typesName in declared) return undefined;
  return `${file} imports ${specifier}, which is neither a dependency nor a peer dependency of ${tarball.manifest.name}`;
}

/** The workspace's own copy of a package's peer dependency (node-rdkafka with its native build), or undefined. */
export function installedPeer(pkg: PublicPackage, peer: string): string | undefined {
  const path = join(pkg.dir, 'node_modules', peer);
  return existsSync(join(path, 'package.json')) ? path : undefined;
}

async function listFiles(root: string, dir = root): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await listFiles(root, path)));
    else files.push(relative(root, path).split('\\').join('/'));
  }
  return files.sort();
}

/** The repository's root, from this file's place in it. */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
