'use strict';
/*
 * The CommonJS packages core runs, loaded with `require` and handed to its ES modules in one object.
 *
 * When an ES module imports a CommonJS file, Node first scans that file's whole source for its export names
 * (cjs-module-lexer). For the SDK's 178 kB bundle the scan, and V8 optimizing the scanner while it runs, cost about
 * 100 ms of CPU at every start on Node 20, a Lambda's cold start included. Only this short file is scanned now: its
 * export names are the shorthand properties below, which the lexer reads. Bundlers follow `require` as they follow
 * `import`. The types are the packages' own (their index's, for undici's Agent).
 */
const dynamodb = require('@aws-sdk/client-dynamodb');
const utilDynamodb = require('@aws-sdk/util-dynamodb');
const smithyEndpoints = require('@smithy/core/endpoints');
/** @type {(format: string, date: Date) => string} */
const strftime = require('strftime');
// undici's Agent alone. Its index also loads fetch, WebSocket, cookies, caches and mocks, and through them Node's own
// copy of undici: about 70 ms more of every start on Node 20. The path is undici 7's layout.
/** @type {typeof import('undici').Agent} */
const undiciAgent = require('undici/lib/dispatcher/agent.js');

module.exports = { dynamodb, utilDynamodb, smithyEndpoints, strftime, undiciAgent };
