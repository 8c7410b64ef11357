import { describe, it } from 'vitest';
import { MemorySink } from '../src/index.js';
import { testSink } from '../src/testing/sink-suite.js';

testSink({
  runner: { describe, it },
  name: 'MemorySink',
  create: async () => {
    const sink = new MemorySink<{ id: string }>({ latencyMs: 5 });
    return { sink, read: async () => sink.records.map((record) => record.value) };
  },
  record: (n) => ({ value: { id: `r${n}` } }),
});
