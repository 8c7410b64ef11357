import dynalite from 'dynalite';
import type { AddressInfo } from 'node:net';
import type { TestServer } from './test-server.js';

/** Options for {@link startDynalite}. */
export interface DynaliteServerOptions {
  /** How long a new table stays CREATING. Default 0: ACTIVE at once, so tests need not wait. */
  readonly createTableMs?: number;
}

/** Starts dynalite (an in-memory DynamoDB API in Node) in this process, on 127.0.0.1 and a free port. */
export async function startDynalite(options: DynaliteServerOptions = {}): Promise<TestServer> {
  const server = dynalite({ createTableMs: options.createTableMs ?? 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    name: 'dynalite',
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error?: Error) => (error ? reject(error) : resolve()));
        // SDK clients keep idle connections open; without this, close waits for them to time out.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
