import { spawn } from 'node:child_process';

/** What a finished command printed, and how long it took. */
export interface Ran {
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

export interface RunOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Exit codes that count as success. @default [0] */
  readonly okCodes?: readonly number[];
  /** Killed after this long, and the run fails. @default 180_000 */
  readonly timeoutMs?: number;
}

/**
 * Runs a command to its end, its output captured (never echoed: a test runner's summary printed by a child, such as
 * `node --test`'s, would read as the suite's own). Rejects with the command, its exit and the tail of its output
 * when it exits non-zero or runs out of time.
 */
export function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<Ran> {
  const started = performance.now();
  const timeoutMs = options.timeoutMs ?? 180_000;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`Could not start \`${command}\`: ${error.message}`, { cause: error }));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const ms = performance.now() - started;
      if (code !== null && (options.okCodes ?? [0]).includes(code)) return resolve({ stdout, stderr, ms });
      const why = signal ? `was killed (${signal}${signal === 'SIGKILL' ? `, over ${timeoutMs} ms` : ''})` : `exited with code ${code}`;
      reject(new Error(`\`${[command, ...args].join(' ')}\` in ${options.cwd ?? process.cwd()} ${why}\n--- stdout (end)\n${tail(stdout)}\n--- stderr (end)\n${tail(stderr)}`));
    });
  });
}

const tail = (text: string, chars = 6_000) => (text.length > chars ? `…${text.slice(-chars)}` : text);
