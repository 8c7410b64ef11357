/**
 * The service as a child process, configured with environment variables only (nothing inherited from the test's
 * environment but PATH), its output collected line by line. By default the workspace's source through tsx; the
 * deployable's tests start the installed bin with plain node instead, optionally as PID 1 of its own PID namespace.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { waitUntil } from '@dynamo-sink/test-servers';

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
const PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url));

/** What to run. */
export interface ServiceCommand {
  /** The program and its arguments. */
  readonly argv: readonly [string, ...string[]];
  readonly cwd?: string;
  /**
   * Run it as PID 1 of a new PID namespace (`unshare --pid --fork`), as a container without an init runs its command:
   * the kernel then delivers a signal from outside only if the process handles it. Signals go to that PID 1.
   */
  readonly asPid1?: boolean;
}

/** The workspace's `src/main.ts`, through tsx. */
export const SOURCE_SERVICE: ServiceCommand = { argv: [process.execPath, '--import', 'tsx', MAIN], cwd: PACKAGE_DIR };

/** A running (or exited) service process. */
export interface ServiceProcess {
  readonly child: ChildProcess;
  /** stdout so far. */
  stdout(): string;
  /** stderr so far. */
  stderr(): string;
  /** Resolves with the exit code, or the signal's name when killed. */
  readonly exited: Promise<number | string>;
  /** Sends a signal to the service: the process itself, or the namespace's PID 1 with `asPid1`. */
  kill(signal: NodeJS.Signals): Promise<void>;
  /** Resolves once a stdout line matches; rejects on exit or after `timeoutMs`. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Whether `unshare --pid` works here (root, or user namespaces allowed); without it, `asPid1` cannot be honoured. */
export function canRunAsPid1(): boolean {
  return spawnSync('unshare', ['--pid', '--fork', '--kill-child', 'true'], { stdio: 'ignore' }).status === 0;
}

/** Starts the service with exactly `env` (plus PATH, and the SDK's Node 20 notice off). */
export function startService(env: Record<string, string>, command: ServiceCommand = SOURCE_SERVICE): ServiceProcess {
  // --kill-child: should unshare die (the test's cleanup kills it), its PID 1 goes with it.
  const argv = command.asPid1 ? ['unshare', '--pid', '--fork', '--kill-child', ...command.argv] : command.argv;
  const child = spawn(argv[0]!, argv.slice(1), {
    cwd: command.cwd ?? PACKAGE_DIR,
    env: { PATH: process.env['PATH'] ?? '', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let stdout = '';
  let stderr = '';
  const lineWaiters = new Set<() => void>();
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    for (const check of lineWaiters) check();
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve(code ?? signal ?? 'unknown');
      for (const check of lineWaiters) check();
    }),
  );
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    async kill(signal) {
      if (!command.asPid1) {
        child.kill(signal);
        return;
      }
      process.kill(await namespaceInit(child.pid!), signal);
    },
    waitForLine(pattern, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => done(new Error(`No line matching ${pattern} within ${timeoutMs} ms.\nstdout:\n${stdout}\nstderr:\n${stderr}`)), timeoutMs);
        const check = () => {
          const line = stdout.split('\n').find((candidate) => pattern.test(candidate));
          if (line !== undefined) done(undefined, line);
          else if (child.exitCode !== null || child.signalCode !== null) {
            done(new Error(`Service exited (${child.exitCode ?? child.signalCode}) before a line matched ${pattern}.\nstdout:\n${stdout}\nstderr:\n${stderr}`));
          }
        };
        function done(error?: Error, line?: string) {
          clearTimeout(timer);
          lineWaiters.delete(check);
          if (error) reject(error);
          else resolve(line!);
        }
        lineWaiters.add(check);
        check();
      });
    },
  };
}

/** The PID (as this namespace sees it) of the process `unshare --fork` started: PID 1 inside its namespace. */
async function namespaceInit(unsharePid: number): Promise<number> {
  let pid: number | undefined;
  await waitUntil(
    () => {
      const children = readFileSync(`/proc/${unsharePid}/task/${unsharePid}/children`, 'utf8').trim();
      pid = children === '' ? undefined : Number(children.split(' ')[0]);
      return pid !== undefined;
    },
    { intervalMs: 10, timeoutMs: 5_000, what: `the child of unshare (pid ${unsharePid})` },
  );
  return pid!;
}

/** The port from the service's "metrics and health listening" line. */
export function metricsPortOf(service: ServiceProcess): number | undefined {
  const match = /http:\/\/127\.0\.0\.1:(\d+)\/metrics/.exec(service.stdout());
  return match ? Number(match[1]) : undefined;
}

/** A metric's value from the service's `/metrics`. */
export async function readMetric(port: number, name: string): Promise<number | undefined> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return match ? Number(match[1]) : undefined;
}
