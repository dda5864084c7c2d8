// The vote key fingerprint at a glance (src/web/glance.ts): a fixed list of 256 two-character
// words, one per byte; checked for duplicates and look-alikes, and for a mapping that never moves.
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from '../../src/protocol/encoding.ts';
import { CONFUSABLE_GROUPS, GLANCE_WORD_COUNT, GLANCE_WORDS, glanceFingerprint, glanceWords } from '../../src/web/glance.ts';

const HAN = /^\p{Script=Han}{2}$/u;

describe('the glance word list', () => {
  it('holds exactly 256 words of two Chinese characters, so each word is one byte', () => {
    expect(GLANCE_WORDS).toHaveLength(256);
    for (const w of GLANCE_WORDS) expect(w).toMatch(HAN);
  });

  it('has no duplicate word and no character in two words, so two different words differ in both characters', () => {
    expect(new Set(GLANCE_WORDS).size).toBe(256);
    const chars = GLANCE_WORDS.flatMap((w) => [...w]);
    const seen = new Map<string, string>();
    const shared: string[] = [];
    for (const w of GLANCE_WORDS) {
      for (const c of w) {
        const other = seen.get(c);
        if (other !== undefined && other !== w) shared.push(`${c}: ${other} ${w}`);
        else seen.set(c, w);
      }
    }
    expect(shared).toEqual([]);
    expect(new Set(chars).size).toBe(512);
  });

  it('holds at most one character of each look-alike group', () => {
    const chars = new Set(GLANCE_WORDS.flatMap((w) => [...w]));
    const clashes = CONFUSABLE_GROUPS.map((g) => [...g].filter((c) => chars.has(c))).filter((found) => found.length > 1);
    expect(clashes).toEqual([]);
  });

  it('is the fixed list: its order and entries never change (phones and projectors must agree)', () => {
    expect(bytesToHex(sha256(new TextEncoder().encode(GLANCE_WORDS.join('\n'))))).toBe(LIST_DIGEST);
    expect([GLANCE_WORDS[0], GLANCE_WORDS[1], GLANCE_WORDS[255]]).toEqual(['熊猫', '老虎', LAST_WORD]);
  });
});

describe('glanceFingerprint', () => {
  const created = 'a3'.repeat(32);

  it('is deterministic: the same entry hash gives the same words, and the words are the first bytes of SHA-256 of it', () => {
    const a = glanceFingerprint(created);
    expect(glanceFingerprint(created)).toEqual(a);
    const digest = sha256(hexToBytes(created));
    expect(a.hex).toBe(bytesToHex(digest.subarray(0, GLANCE_WORD_COUNT)));
    expect(a.words).toEqual([...digest.subarray(0, GLANCE_WORD_COUNT)].map((b) => GLANCE_WORDS[b]));
    expect(a.words).toHaveLength(6);
  });

  it('covers the bits: every value of every byte gives its own word, so the six words carry 48 bits', () => {
    for (let pos = 0; pos < GLANCE_WORD_COUNT; pos++) {
      const words = new Set<string>();
      for (let b = 0; b < 256; b++) {
        const bytes = new Uint8Array(GLANCE_WORD_COUNT);
        bytes[pos] = b;
        words.add(glanceWords(bytes)[pos]!);
      }
      expect(words.size).toBe(256);
    }
    expect(GLANCE_WORD_COUNT * Math.log2(GLANCE_WORDS.length)).toBe(48);
  });

  it('changes with a one-bit change of the entry hash', () => {
    const other = created.slice(0, -1) + '2';
    expect(glanceFingerprint(other).words).not.toEqual(glanceFingerprint(created).words);
  });

  it('refuses fewer bytes than words', () => {
    expect(() => glanceWords(new Uint8Array(5))).toThrow('glanceWords needs 6 bytes');
  });
});

const LIST_DIGEST = '9093bf2afff8e8f7ece8921dd35ffa538ff7f50ca09f04a4989f8cdd23aedae8';
const LAST_WORD = '琉璃';
