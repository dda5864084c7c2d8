// The member page's cast leaves after a random wait (issue 12, metadata): drawn from the
// browser's cryptographic randomness, uniform between the bounds, never zero.
import { describe, expect, it } from 'vitest';
import { CAST_DELAY_MS, castDelayMs } from '../../src/web/api.ts';

describe('the random wait before a cast', () => {
  it('spans the bounds exactly at the extreme random words', () => {
    expect(castDelayMs(0)).toBe(CAST_DELAY_MS.min);
    expect(castDelayMs(2 ** 32 - 1)).toBe(CAST_DELAY_MS.max);
    expect(CAST_DELAY_MS.min).toBeGreaterThan(0);
  });

  it('draws from crypto.getRandomValues and stays within the bounds', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const d = castDelayMs();
      expect(Number.isInteger(d)).toBe(true);
      expect(d).toBeGreaterThanOrEqual(CAST_DELAY_MS.min);
      expect(d).toBeLessThanOrEqual(CAST_DELAY_MS.max);
      seen.add(Math.min(15, Math.floor(((d - CAST_DELAY_MS.min) / (CAST_DELAY_MS.max - CAST_DELAY_MS.min)) * 16)));
    }
    // Every sixteenth of the range is hit: not a fixed pause.
    expect(seen.size).toBe(16);
  });
});
