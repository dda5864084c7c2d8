// vitest globalSetup (vitest.config.ts, tests/e2e/vitest.config.ts): before any test file runs,
// rebuild dist/ if the sources changed since it was built. Tests import src/ directly, but the
// ones that spawn `node bin/piaojue.js` run dist/, and every service serves dist/web: this is
// what keeps them from testing a stale build. A no-op (a hash of the inputs) when dist/ is fresh.
import { build } from './build.mjs';

export default async function setup() {
  await build({ ifStale: true });
}
