/**
 * The service as a child process, configured with environment variables only (nothing inherited from the test's
 * environment but PATH), its output collected line by line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
const EXAMPLE_DIR = fileURLToPath(new URL('../..', import.meta.url));

/** A running (or exited) service process. */
export interface ServiceProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** stdout so far. */
  stdout(): string;
  /** stderr so far. */
  stderr(): string;
  /** Resolves with the exit code, or the signal's name when killed. */
  readonly exited: Promise<number | string>;
  /** Resolves once a stdout line matches; rejects on exit or after `timeoutMs`. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Starts `src/main.ts` with exactly `env` (plus PATH, and the SDK's Node 20 notice off). */
export function startService(env: Record<string, string>): ServiceProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    cwd: EXAMPLE_DIR,
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
    pid: child.pid!,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
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
