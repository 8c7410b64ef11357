import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'kafka-common',
    include: ['test/**/*.test.ts'],
  },
});
