/// <reference path="./dynalite.d.ts" />
import dynalite from 'dynalite';
import { listenOnLoopback, type TestServer } from './test-server.js';

/** Options for {@link startDynalite}. */
export interface DynaliteServerOptions {
  /** How long a new table stays CREATING. Default 0: ACTIVE at once, so tests need not wait. */
  readonly createTableMs?: number;
}

/** Starts dynalite (an in-memory DynamoDB API in Node) in this process, on 127.0.0.1 and a free port. */
export async function startDynalite(options: DynaliteServerOptions = {}): Promise<TestServer> {
  const server = dynalite({ createTableMs: options.createTableMs ?? 0, deleteTableMs: 0, updateTableMs: 0 });
  return { ...(await listenOnLoopback(server)), name: 'dynalite' };
}
