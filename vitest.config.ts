import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Each package with tests has its own config (packages/bench has none), and so have the destination service and the changelog example.
    projects: ['packages/*/vitest.config.ts', 'examples/kafka-destination/vitest.config.ts', 'examples/changelog/vitest.config.ts'],
  },
});
