import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'iterable',
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The bounded-memory test measures heapUsed after a full collection.
    execArgv: ['--expose-gc'],
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
