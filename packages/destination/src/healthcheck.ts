#!/usr/bin/env node
/**
 * The image's `HEALTHCHECK`: exit 0 when the service's `/health` answers 200, 1 otherwise (or when it does not answer
 * within 3 s). Plain node, because slim images have no curl or wget: `node dist/healthcheck.js`.
 */
import { probe } from './health-probe.js';

process.exitCode = await probe(process.env);
