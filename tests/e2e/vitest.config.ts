// The browser end-to-end suite: one real service, headless Chromium through playwright-core.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['tests/e2e/**/*.test.ts'],
    // The pages are served from dist/web: rebuilt here when the sources changed.
    globalSetup: ['scripts/build-for-tests.mjs'],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    // One test file drives one meeting step by step; a failure should say where.
    bail: 1,
  },
});
