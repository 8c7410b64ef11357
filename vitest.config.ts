import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Each package with tests has its own config (packages/bench has none), and so has the changelog example.
    projects: ['packages/*/vitest.config.ts', 'examples/changelog/vitest.config.ts'],
  },
});
