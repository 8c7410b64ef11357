import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'destination',
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The test's own SDK clients (DynamoDB Local's readiness probe) need not print the SDK's Node 20 notice.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
