/**
 * The destination service as it was on an earlier commit, for the "before" figure of the end-to-end modes: a
 * `git worktree` of that commit under the workspace's .bench/ (gitignored), made and installed once, then reused.
 * Up to c8bd6a3 the service lived in examples/kafka-destination; later in packages/destination.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The commit before issue 11's change: today's figure in the issue was measured on it. */
export const DESTINATION_BEFORE_DEFAULT = 'c8bd6a3';

const WORKSPACE = fileURLToPath(new URL('../../', import.meta.url));
const BENCH_DIR = `${WORKSPACE}.bench/`;
// Installs share the pnpm store with the other sessions on this machine: one at a time.
const PNPM_LOCK = '/tmp/pnpm.lock';
const SERVICE_DIRS = ['packages/destination', 'examples/kafka-destination'] as const;

/** A checked-out, installed copy of the workspace at a commit, and where its service's entry point is. */
export interface ServiceCheckout {
  /** The full commit id. */
  readonly commit: string;
  /** The service's package folder (its cwd). */
  readonly dir: string;
  /** Its `src/main.ts`, run through tsx. */
  readonly main: string;
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
  return { commit, dir: `${root}${service}`, main: `${root}${service}/src/main.ts` };
}

/** This workspace's own service. */
export function currentDestination(): ServiceCheckout {
  const dir = dirname(fileURLToPath(import.meta.resolve('@dynamo-sink/destination/package.json')));
  return { commit: git(['rev-parse', 'HEAD'], WORKSPACE).trim(), dir, main: `${dir}/src/main.ts` };
}

function git(args: readonly string[], cwd: string): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}
