import { MemorySink } from '../src/index.js';
import { testSink } from '../src/testing/sink-suite.js';

testSink({
  name: 'MemorySink',
  create: async () => {
    const sink = new MemorySink<{ id: string }>({ latencyMs: 5 });
    return { sink, read: async () => sink.records.map((record) => record.value) };
  },
  record: (n) => ({ value: { id: `r${n}` } }),
});
