export { pipeToSink } from './pipe-to-sink.js';
export type { PipeOptions, SourceFailure } from './options.js';
export { PIPE_DEFAULTS } from './options.js';
export { PipeError, type PipeResult } from './pipe-result.js';
export { InvalidRecord, invalidRecord } from './invalid-record.js';
export type { Source } from './source.js';
export { ndjsonRecords, NDJSON_DEFAULTS, type NdjsonInput, type NdjsonItem, type NdjsonOptions, type NdjsonValue } from './ndjson/ndjson-records.js';
export { pipeNdjson, type NdjsonPipeOptions } from './ndjson/pipe-ndjson.js';
// Moved to core (the Kafka adapters parse with it too); re-exported so this package's API stays whole.
export { parseJson } from '@dynamo-sink/core';
