/** Starts fake-endpoint.ts in a child process and talks to its control routes. */
import { fork } from 'node:child_process';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';

export interface EndpointOptions {
  readonly latencyMs: number;
  /** Fraction of items handed back as UnprocessedItems. */
  readonly throttle?: number;
  readonly seed?: number;
  readonly hashKey: string;
  readonly rangeKey?: string;
  /** Count accepts per primary key, to check "exactly once". */
  readonly trackKeys?: boolean;
  /** Run the endpoint on these CPUs (`taskset -c` list), away from the client's. */
  readonly cpus?: string;
}

export interface EndpointStats {
  requests: number;
  batchWrites: number;
  /** Single-item writes (version-guarded puts). */
  putItems: number;
  describeTables: number;
  itemsAccepted: number;
  itemsUnprocessed: number;
  errors: number;
  peakInFlight: number;
  keys: { distinct: number; duplicates: number; maxAccepts: number } | null;
}

export interface Endpoint {
  readonly url: string;
  stats(): Promise<EndpointStats>;
  reset(): Promise<void>;
  stop(): void;
}

const script = fileURLToPath(new URL('./fake-endpoint.ts', import.meta.url));
const tsx = import.meta.resolve('tsx');

export async function startEndpoint(options: EndpointOptions): Promise<Endpoint> {
  const args = ['--latency', String(options.latencyMs), '--throttle', String(options.throttle ?? 0)];
  args.push('--seed', String(options.seed ?? 1), '--hash-key', options.hashKey);
  if (options.rangeKey) args.push('--range-key', options.rangeKey);
  if (options.trackKeys) args.push('--track-keys');
  const nodeArgs = ['--import', tsx];
  // A forked child inherits the bench's CPU pinning; taskset in front of node moves it elsewhere.
  const child = options.cpus
    ? fork(script, args, { execPath: 'taskset', execArgv: ['-c', options.cpus, process.execPath, ...nodeArgs] })
    : fork(script, args, { execArgv: nodeArgs });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message) => resolve((message as { port: number }).port));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`fake endpoint exited with code ${code} before listening`)));
  });
  child.removeAllListeners('exit');
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    stats: async () => JSON.parse(await control(url, 'GET', '/stats')) as EndpointStats,
    reset: async () => void (await control(url, 'POST', '/reset')),
    stop: () => void child.kill(),
  };
}

function control(url: string, method: string, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve(text));
    });
    req.on('error', reject);
    req.end();
  });
}
