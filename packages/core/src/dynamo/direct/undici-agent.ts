/**
 * undici's Agent alone. The package's index also loads fetch, WebSocket, cookies, caches and mocks, and through them
 * Node's own copy of undici: about 70 ms more of every start on Node 20 (a Lambda's cold start included). The module's
 * path is undici 7's layout; undici types its index only.
 */
import type { Agent as UndiciAgent } from 'undici';
// @ts-ignore: no declaration for the module's path (TS7016 under noImplicitAny); typed just below.
import AgentModule from 'undici/lib/dispatcher/agent.js';

export const Agent: typeof UndiciAgent = AgentModule;
