// Reading the public record: the vote definition as the chain published it (the one key every
// member must use), and the service's public keys.
import type { JSONWebKeySet } from 'jose';
import { parseVoteDefinition, type VoteDefinition } from '../protocol/ballot.ts';
import { hashEntry, type ChainEntry } from '../protocol/chain.ts';
import { publicGet } from './api.ts';

export interface ChainReply {
  committeeId: string;
  head: { seq: number; hash: string };
  entries: ChainEntry[];
}

export class RecordError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecordError';
  }
}

/**
 * The vote's definition from its vote.created entry in the committee's chain. The token is
 * checked against this key, never against one served with the token: a key made for one member
 * alone would let the service recognise that member's ballot.
 */
export async function pinnedDefinition(committeeId: string, createdSeq: number, voteId: string): Promise<VoteDefinition> {
  const chain = await publicGet<ChainReply>(`/v1/committees/${committeeId}/chain?from=${createdSeq}&to=${createdSeq}`);
  const entry = chain.entries.find((e) => e.seq === createdSeq);
  if (!entry || entry.kind !== 'vote.created' || entry.committeeId !== committeeId || hashEntry(entry) !== entry.hash) {
    throw new RecordError('the vote.created entry in the record is missing or does not hash correctly');
  }
  const definition = parseVoteDefinition(entry.body.definition);
  if (definition.voteId !== voteId) throw new RecordError('the record names another vote');
  return definition;
}

let jwks: Promise<JSONWebKeySet> | undefined;

export function serviceKeys(): Promise<JSONWebKeySet> {
  jwks ??= publicGet<JSONWebKeySet>('/.well-known/jwks.json').catch((e: unknown) => {
    jwks = undefined;
    throw e;
  });
  return jwks;
}
