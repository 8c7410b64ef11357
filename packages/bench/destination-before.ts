/**
 * The destination service of each end-to-end figure, run the way its users ran it.
 * - Before: the service as it was on an earlier commit, a `git worktree` of that commit under the workspace's .bench/
 *   (gitignored), made and installed once, then reused. Up to c8bd6a3 the service lived in examples/kafka-destination
 *   and its bin was `src/main.ts` through tsx; later in packages/destination.
 * - Now: the workspace's service as it is published, built and packed, installed outside the workspace with the
 *   optional clients' adapters beside it, and run as its bin runs (`node dist/main.js`, no tsx).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { installPackedService } from '../destination/test/support/packed-service.js';

/** The commit before issue 11's change: today's figure in the issue was measured on it. */
export const DESTINATION_BEFORE_DEFAULT = 'c8bd6a3';

const WORKSPACE = fileURLToPath(new URL('../../', import.meta.url));
const BENCH_DIR = `${WORKSPACE}.bench/`;
// Installs share the pnpm store with the other sessions on this machine: one at a time.
const PNPM_LOCK = '/tmp/pnpm.lock';
const SERVICE_DIRS = ['packages/destination', 'examples/kafka-destination'] as const;

/** An installed service: where it runs and how node starts it. */
export interface ServiceCheckout {
  /** The full commit id. */
  readonly commit: string;
  /** The service's package folder (its cwd). */
  readonly dir: string;
  /** What follows `node` to start it: `--import tsx src/main.ts`, or the built bin. */
  readonly nodeArgs: readonly string[];
  /** Removes what was installed for this run only. */
  remove(): Promise<void>;
}

/**
 * The worktree of `ref` (made and installed on first use, `log` told what happens), with the service's folder in it.
 * Throws when the ref is unknown, the install fails, or the commit has no destination service.
 */
export function destinationCheckout(ref: string, log: (line: string) => void): ServiceCheckout {
  let commit: string;
  try {
    commit = git(['rev-parse', '--verify', `${ref}^{commit}`], WORKSPACE).trim();
  } catch {
    throw new Error(`${ref} is not a commit of this repository`);
  }
  const root = `${BENCH_DIR}destination-${commit.slice(0, 12)}/`;
  if (!existsSync(`${root}.git`)) {
    log(`destination before: git worktree of ${ref} (${commit.slice(0, 12)}) at ${root}`);
    // Detached, so no branch is made; `git worktree remove` undoes it.
    git(['worktree', 'add', '--detach', root, commit], WORKSPACE);
  }
  if (!existsSync(`${root}node_modules/.modules.yaml`)) {
    log('destination before: pnpm install --offline --frozen-lockfile (once; node-rdkafka may compile)');
    execFileSync('flock', [PNPM_LOCK, 'pnpm', 'install', '--offline', '--frozen-lockfile'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  }
  const service = SERVICE_DIRS.find((dir) => existsSync(`${root}${dir}/src/main.ts`));
  if (!service) throw new Error(`${ref} has no destination service (looked for ${SERVICE_DIRS.map((dir) => `${dir}/src/main.ts`).join(', ')})`);
  // Kept for the next run: the worktree is made once.
  return { commit, dir: `${root}${service}`, nodeArgs: ['--import', 'tsx', `${root}${service}/src/main.ts`], remove: async () => {} };
}

/** This workspace's service, built, packed and installed in a temporary folder with both optional clients. */
export async function installedDestination(log: (line: string) => void): Promise<ServiceCheckout> {
  log('destination now: pnpm build, pnpm pack, npm install of the tarballs outside the workspace');
  const installed = await installPackedService();
  try {
    await installed.addClients(['node-rdkafka', 'confluent']);
  } catch (error) {
    await installed.remove();
    throw error;
  }
  return { commit: git(['rev-parse', 'HEAD'], WORKSPACE).trim(), dir: installed.dir, nodeArgs: [installed.bin], remove: () => installed.remove() };
}

function git(args: readonly string[], cwd: string): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}
