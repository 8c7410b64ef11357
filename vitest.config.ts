import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Each package with tests has its own config; packages/bench has none.
    projects: ['packages/*/vitest.config.ts'],
  },
});
