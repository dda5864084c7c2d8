// The service's limits never exceed the protocol's (src/protocol/limits.ts): everything the
// service accepts, its record's parser accepts too; and the largest ballot of the largest
// 民主推荐 or 民主测评 vote fits the cast route's body limit (issue 15).
import { describe, expect, it } from 'vitest';
import { CAST_BODY_LIMIT } from '../../src/http/body-limits.ts';
import { castBodyText } from '../../src/protocol/ballot-v2.ts';
import type { BallotV2 } from '../../src/protocol/ballot.ts';
import { SLIPS_PER_MEETING_MAX } from '../../src/protocol/chain.ts';
import { CANDIDATES_MAX, ENTITLED_MAX, EVALUATION_CADRES_MAX, ITEMS_MAX, RECOMMENDATION_NAMES_MAX, SEATS_MAX } from '../../src/protocol/limits.ts';
import { MAX_CANDIDATES_PER_ITEM, MAX_ITEMS, MAX_SEATS } from '../../src/votes/limits.ts';
import { SLIPS_PER_BATCH_MAX } from '../../src/participants/service.ts';

const ballot = (cells: Record<string, string>): BallotV2 => ({
  voteId: '00000000-0000-0000-0000-000000000000',
  ballotPublicKey: 'A'.repeat(43),
  signature: 'A'.repeat(64),
  ballotSignature: 'A'.repeat(86),
  choices: { i1: cells },
});

describe('service limits', () => {
  it('are within the protocol’s for committee votes', () => {
    expect(MAX_ITEMS).toBeLessThanOrEqual(ITEMS_MAX);
    expect(MAX_CANDIDATES_PER_ITEM).toBeLessThanOrEqual(CANDIDATES_MAX);
    expect(MAX_SEATS).toBeLessThanOrEqual(SEATS_MAX);
  });

  it('bound a meeting of participants below the protocol’s 应到, one batch below the meeting', () => {
    expect(SLIPS_PER_MEETING_MAX).toBeLessThanOrEqual(ENTITLED_MAX);
    expect(SLIPS_PER_BATCH_MAX).toBeLessThanOrEqual(SLIPS_PER_MEETING_MAX);
  });

  it('let the largest recommendation and evaluation ballots through the cast route', () => {
    const names = Object.fromEntries(Array.from({ length: RECOMMENDATION_NAMES_MAX }, (_, i) => [`c${i + 1}`, 'recommend']));
    const cadres = Object.fromEntries(Array.from({ length: EVALUATION_CADRES_MAX }, (_, i) => [`c${i + 1}`, 'inadequate']));
    expect(Buffer.byteLength(castBodyText(ballot(names)))).toBeLessThan(CAST_BODY_LIMIT);
    expect(Buffer.byteLength(castBodyText(ballot(cadres)))).toBeLessThan(CAST_BODY_LIMIT);
  });
});
