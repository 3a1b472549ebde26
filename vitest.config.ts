import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests start real brokers, ptys and ffmpeg; give them room on a 2-core box.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
