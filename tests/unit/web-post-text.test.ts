// 现任职务 / 拟任职务 as one line of text (src/web/post-text.ts), and the definition read from a record.
import { describe, expect, it } from 'vitest';
import { buildScenario } from '../../testkit/protocol-scenario.ts';
import { findCandidate, postsText, recordDefinition } from '../../src/web/post-text.ts';

const item = { post: '县财政局局长' };

describe('postsText', () => {
  it('gives 现任 and 拟任, separated by ；', () => {
    expect(postsText(item, { candidateId: 'a', name: '王小洪', currentPost: '县财政局副局长', proposedPost: '县财政局局长（正科级）' })).toBe(
      '现任：县财政局副局长；拟任：县财政局局长（正科级）',
    );
  });

  it('takes the item’s post as 拟任 when the candidate has only a 现任', () => {
    expect(postsText(item, { candidateId: 'a', name: '王小洪', currentPost: '县财政局副局长' })).toBe('现任：县财政局副局长；拟任：县财政局局长');
  });

  it('gives 拟任 alone when only it is given', () => {
    expect(postsText(item, { candidateId: 'a', name: '王小洪', proposedPost: '县审计局局长' })).toBe('拟任：县审计局局长');
  });

  it('is null for a candidate without posts (every older vote)', () => {
    expect(postsText(item, { candidateId: 'a', name: '王小洪' })).toBeNull();
  });
});

describe('recordDefinition', () => {
  it('reads the definition of the named vote from its vote.created entry', async () => {
    const s = await buildScenario('post-text', { memberCount: 3, presentCount: 3 });
    const def = recordDefinition(s.record, 'v-1');
    expect(def?.voteId).toBe('v-1');
    expect(findCandidate(def, 'B', 'b3')?.candidate.name).toBe('李强');
    expect(findCandidate(def, 'B', 'zz')).toBeNull();
    expect(recordDefinition(s.record, 'v-2')).toBeNull();
  });

  it('is null for a record without entries or with a definition that does not parse', () => {
    expect(recordDefinition(null, 'v-1')).toBeNull();
    expect(recordDefinition({ entries: 'x' }, 'v-1')).toBeNull();
    expect(recordDefinition({ entries: [{ kind: 'vote.created', body: { definition: { voteId: 'v-1', items: [] } } }] }, 'v-1')).toBeNull();
  });
});
