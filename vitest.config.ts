import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests start real brokers, ptys and ffmpeg; give them room on a 2-core box.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // One file at a time: the integration files run real ffmpeg, Chromium, brokers and ptys,
    // and on a 2-core machine running them side by side only makes their waits flaky.
    fileParallelism: false,
  },
});
