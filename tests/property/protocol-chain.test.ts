import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { verifyChainLinks } from '../../src/protocol/chain.ts';
import { buildScenario } from '../../testkit/protocol-scenario.ts';

const scenario = await buildScenario('chain-prop', { memberCount: 4, presentCount: 3 });
const bytes = new TextEncoder().encode(JSON.stringify(scenario.record.entries));

describe('chain (property)', () => {
  it('any one-byte change to the serialised chain is detected (or the JSON no longer parses)', () => {
    fc.assert(
      fc.property(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), (at, xor) => {
        const changed = bytes.slice();
        changed[at]! ^= xor;
        let parsed: unknown;
        try {
          parsed = JSON.parse(new TextDecoder().decode(changed));
        } catch {
          return; // not JSON any more: a reader refuses it before verifying
        }
        expect(verifyChainLinks(parsed).ok).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});
