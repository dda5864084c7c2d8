import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { verifyRecord } from '../../src/protocol/verifier.ts';
import { buildScenario } from '../../testkit/protocol-scenario.ts';
import { seededRandom } from '../../testkit/seeded-random.ts';

const s = await buildScenario('verifier-prop', { memberCount: 4, presentCount: 3 });
const bytes = new TextEncoder().encode(JSON.stringify(s.record));

describe('verifier (property)', () => {
  it('any one-byte change to a record fails verification and never throws', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), async (at, xor) => {
        const changed = bytes.slice();
        changed[at]! ^= xor;
        let parsed: unknown;
        try {
          parsed = JSON.parse(new TextDecoder().decode(changed));
        } catch {
          return;
        }
        const report = await verifyRecord(parsed, { jwks: s.service.jwks, randomBytes: seededRandom(`p${at}`) });
        expect(report.ok).toBe(false);
      }),
      { numRuns: 60 },
    );
  });
});
