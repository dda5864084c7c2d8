import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: ['tests/e2e/**'],
    // Rebuilds dist/ when stale: spawned CLIs run it and every service serves its web bundle.
    globalSetup: ['scripts/build-for-tests.mjs'],
    // Generous: a timeout is a hang detector, not a speed target (speed is measured in `npm run
    // bench`), and a shared 2-core machine under load ran whole-meeting tests past 30 s.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // PGlite instances are heavy; two cores, so keep the pool small.
    maxWorkers: 2,
  },
});
