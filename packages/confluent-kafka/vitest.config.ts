import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'confluent-kafka',
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Node 20 is supported; the AWS SDK's notice about its future releases would fill the test log.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
