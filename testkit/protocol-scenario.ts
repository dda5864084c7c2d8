// A complete small committee history built with the protocol functions alone, from a seed:
// what the service would publish. Shared by the tally, chain and verifier tests and the vectors.
import { sortNames } from '../src/collation/index.ts';
import { ed25519 } from '@noble/curves/ed25519.js';
import { importJWK, type JSONWebKeySet, type JWK } from 'jose';
import {
  ballotHash,
  type AnyChoices,
  type AnyVoteDefinition,
  type Ballot,
  type Choices,
  type DefinitionItem,
  type Mark,
  type VoteRules,
} from '../src/protocol/ballot.ts';
import { makeEntry, voteClosedBody, type ChainEntry, type EntryBodies, type Issuance, type RosterMember, type VoteRecord } from '../src/protocol/chain.ts';
import { confirmationMessage, countersignatureMessage, preparedHash, sealHash, sortByMember } from '../src/protocol/close.ts';
import { deviceKeyFingerprint, tokenRequestMessage, type DevicePublicKey } from '../src/protocol/device-key.ts';
import { toBase64url } from '../src/protocol/encoding.ts';
import { buildBallot, createTokenRequest, finishToken, type Token } from '../src/protocol/member-ballot.ts';
import { signTally } from '../src/protocol/receipt.ts';
import { computeTally } from '../src/protocol/tally.ts';
import { generateVoteKey, signBlinded, unblind } from '../src/protocol/tokens.ts';
import { fromBase64url } from '../src/protocol/encoding.ts';
import type { ProtocolVersion } from '../src/protocol/version.ts';
import { seededRandom } from './seeded-random.ts';

export const MARKS_3: Mark[] = ['approve', 'disapprove', 'abstain'];

export const RULES: VoteRules = { majorityBase: 'entitled', quorum: { num: 2, den: 3 }, minCandidateRatio: 1.5, collation: 'surname' };

/** The administrator and the secretary of a version 2 scenario. */
export const SCENARIO_ADMIN = 'p-admin';
export const SCENARIO_SECRETARY = 'p-secretary';

export interface ServiceKey {
  kid: string;
  privateJwk: JWK;
  jwks: JSONWebKeySet;
}

export function serviceKey(seed: string): ServiceKey {
  const d = seededRandom(`${seed}/service-key`)(32);
  const x = ed25519.getPublicKey(d);
  const kid = 'svc-1';
  const pub = { kty: 'OKP', crv: 'Ed25519', x: toBase64url(x), kid, alg: 'EdDSA', use: 'sig' };
  return { kid, privateJwk: { ...pub, d: toBase64url(d) }, jwks: { keys: [pub] } };
}

export interface Scenario {
  committeeId: string;
  definition: AnyVoteDefinition;
  voteSecretKey: Uint8Array;
  members: RosterMember[];
  present: string[];
  devices: Map<string, { secret: Uint8Array; device: DevicePublicKey; fingerprint: string }>;
  ballots: Ballot[];
  record: VoteRecord;
  service: ServiceKey;
}

/** Rotates marks so the outcome is interesting: item A (等额, 1 seat), item B (差额, 2 seats, 3 candidates). */
export function defaultChoices(i: number): Choices {
  const a: Mark[] = ['approve', 'approve', 'approve', 'disapprove'];
  const b: [Mark, Mark, Mark][] = [
    ['approve', 'approve', 'disapprove'],
    ['approve', 'disapprove', 'approve'],
    ['approve', 'approve', 'approve'], // over-marked: 无效 for item B only
    ['disapprove', 'approve', 'abstain'],
  ];
  const [b1, b2, b3] = b[i % b.length]!;
  return { A: { a1: a[i % a.length]! }, B: { b1, b2, b3 } };
}

export async function buildScenario(
  seed = 'piaojue-test',
  options: {
    memberCount?: number;
    presentCount?: number;
    voters?: number;
    choices?: (i: number) => AnyChoices;
    /**
     * The vote's items instead of the default two committee items (e.g. one recommendation or
     * evaluation item, version 2 only). A recommendation list is sorted into stroke order as
     * committee candidates are; an evaluation list keeps its order.
     */
    items?: DefinitionItem[];
    /** Ids other than c-1 and v-1 (records of several votes side by side). */
    committeeId?: string;
    voteId?: string;
    /**
     * Large records (benchmarks): skip the device's check of each issued token (a pairing, ~0.2 s)
     * — the signature is the same sk·H either way, and the verifier checks it.
     */
    trustIssuedTokens?: boolean;
    /**
     * 2: the version 2 form — an administrator and a secretary appointed on the chain, a
     * definition with `version` and `runoffOf`, candidates in stroke order, and the vote and
     * attendance naming the secretary. Default 1.
     */
    version?: ProtocolVersion;
    /**
     * Version 2 only: a meeting of participants holding slips (issue 15). This many slips are
     * issued (a slips.issued entry before the vote; also the vote's 应到), `voters` of them take
     * a token and cast, and the close lists slip tokens instead of issuances, with the decision
     * that publishes the ballots nobody with a device can confirm. The members recorded present
     * are the meeting's inspectors only.
     */
    slips?: number;
  } = {},
): Promise<Scenario> {
  const memberCount = options.memberCount ?? 11;
  const presentCount = options.presentCount ?? 9;
  const voters = options.voters ?? presentCount;
  const choices = options.choices ?? defaultChoices;
  const version = options.version ?? 1;
  const rnd = seededRandom(seed);
  const committeeId = options.committeeId ?? 'c-1';
  const members: RosterMember[] = Array.from({ length: memberCount }, (_, i) => ({
    memberId: `m-${String(i + 1).padStart(memberCount > 99 ? String(memberCount).length : 2, '0')}`,
    name: `委员${i + 1}`,
    votingRight: true,
    active: true,
  }));
  const present = members
    .slice(0, presentCount)
    .map((m) => m.memberId)
    .sort();
  const service = serviceKey(seed);
  const entries: ChainEntry[] = [];
  const push = (e: ChainEntry) => {
    entries.push(e);
    return e;
  };
  const last = () => entries[entries.length - 1] ?? null;
  const v2 = options.version === 2;
  push(makeEntry(null, committeeId, 'committee.created', { name: '县委常委会', kind: 'standing', rules: RULES, marks: MARKS_3 }));
  if (v2) {
    push(makeEntry(last(), committeeId, 'admin.granted', { personId: SCENARIO_ADMIN }));
    push(makeEntry(last(), committeeId, 'secretary.appointed', { personId: SCENARIO_SECRETARY, by: SCENARIO_ADMIN }));
  }
  push(makeEntry(last(), committeeId, 'roster.changed', { members }));
  const devices: Scenario['devices'] = new Map();
  for (const m of members) {
    const secret = rnd(32);
    const device: DevicePublicKey = { alg: 'Ed25519', key: toBase64url(ed25519.getPublicKey(secret)) };
    const fingerprint = deviceKeyFingerprint(device);
    devices.set(m.memberId, { secret, device, fingerprint });
    push(makeEntry(last(), committeeId, 'device.enrolled', { memberId: m.memberId, device, fingerprint }));
  }
  const key = generateVoteKey(rnd);
  const definition: AnyVoteDefinition = {
    voteId: options.voteId ?? 'v-1',
    committeeId,
    meetingId: 'mt-1',
    title: '干部任免表决',
    items: options.items
      ? structuredClone(options.items)
      : [
          { itemId: 'A', post: '县财政局局长', seats: 1, candidates: [{ candidateId: 'a1', name: '王芳' }] },
          {
            itemId: 'B',
            post: '乡镇党委书记',
            seats: 2,
            candidates: [
              { candidateId: 'b1', name: '于明' },
              { candidateId: 'b2', name: '万里' },
              { candidateId: 'b3', name: '李强' },
            ],
          },
        ],
    marks: MARKS_3,
    rules: RULES,
    entitled: options.slips ?? memberCount,
    publicKey: toBase64url(key.publicKey),
    ...(v2 ? { version: 2 as const, runoffOf: null } : {}),
  };
  if (v2) {
    for (const item of definition.items) {
      if ('shape' in item && item.shape === 'evaluation') continue;
      const order = sortNames(
        item.candidates.map((c) => c.name),
        RULES.collation,
      ).names;
      item.candidates.sort((x, y) => order.indexOf(x.name) - order.indexOf(y.name));
    }
  }
  const by = v2 ? { by: SCENARIO_SECRETARY } : {};
  const slips = v2 ? options.slips : undefined;
  if (slips !== undefined) push(makeEntry(last(), committeeId, 'slips.issued', { meetingId: 'mt-1', issued: slips, by: SCENARIO_SECRETARY }));
  // As in a real meeting: the vote is created first, members sign in afterwards (签到即领票).
  push(makeEntry(last(), committeeId, 'vote.created', { definition, ...by }));
  push(makeEntry(last(), committeeId, 'attendance.recorded', { meetingId: 'mt-1', present, entitled: memberCount, ...by }));
  const issuances: Issuance[] = [];
  const ballots: Ballot[] = [];
  const slipTokens: string[] = [];
  // With slips, a token per voter goes to a slip; otherwise one per present member's device.
  const takers = slips !== undefined ? Array.from({ length: voters }, (_, i) => `slip-${i}`) : present;
  for (const [i, memberId] of takers.entries()) {
    const request = createTokenRequest(definition.voteId, rnd, version);
    if (slips !== undefined) {
      slipTokens.push(request.blindedPoint);
    } else {
      const dev = devices.get(memberId)!;
      const deviceSignature = toBase64url(ed25519.sign(tokenRequestMessage(definition.voteId, request.blindedPoint), dev.secret));
      issuances.push({ memberId, blindedPoint: request.blindedPoint, deviceSignature, deviceFingerprint: dev.fingerprint });
    }
    const blindSig = toBase64url(signBlinded(key.secretKey, fromBase64url(request.blindedPoint)));
    const unblinded = () => toBase64url(unblind(fromBase64url(blindSig), fromBase64url(request.r)));
    const token: Token = !options.trustIssuedTokens
      ? finishToken(request, blindSig, definition.publicKey)
      : 'ballotPublicKey' in request
        ? { voteId: definition.voteId, ballotSecretKey: request.ballotSecretKey, ballotPublicKey: request.ballotPublicKey, signature: unblinded() }
        : { voteId: definition.voteId, t: request.t, signature: unblinded() };
    if (i < voters) ballots.push(buildBallot(token, choices(i)));
  }
  slipTokens.sort();
  const tally = computeTally(
    definition,
    ballots,
    slips !== undefined ? { issued: slipTokens.length, present: slips } : { issued: issuances.length, present: present.length },
  );
  const tallySignature = await signTally(tally, await importJWK(service.privateJwk, 'EdDSA'), service.kid);
  const body = voteClosedBody({
    voteId: definition.voteId,
    issuances,
    ballots: ballots.map((ballot) => ({ ballot, hash: ballotHash(ballot) })),
    tally,
    tallySignature,
  });
  let closedBody: EntryBodies['vote.closed'] = body;
  if (v2) {
    // The version 2 close: the first two present members are the inspectors; every member who
    // cast confirms the prepared close with the device that took the token; both countersign.
    const inspectors = present.slice(0, 2);
    push(makeEntry(last(), committeeId, 'inspectors.designated', { meetingId: 'mt-1', inspectors, by: SCENARIO_SECRETARY }));
    const prepared = { ...body, by: SCENARIO_SECRETARY, ...(slips !== undefined ? { slipTokens } : {}) };
    const hash = preparedHash(prepared);
    const signBy = (memberId: string, message: Uint8Array) => {
      const dev = devices.get(memberId)!;
      return { memberId, deviceFingerprint: dev.fingerprint, signature: toBase64url(ed25519.sign(message, dev.secret)) };
    };
    // Participants holding slips have no device to confirm with: a recorded decision publishes their ballots.
    const confirmations = slips !== undefined ? [] : sortByMember(present.slice(0, voters).map((m) => signBy(m, confirmationMessage(definition.voteId, hash))));
    const decision =
      slips !== undefined && ballots.length > 0 ? { unconfirmed: ballots.length, reason: '凭条参会，无登记设备确认', by: SCENARIO_SECRETARY } : null;
    const seal = sealHash({ voteId: definition.voteId, preparedHash: hash, confirmations, decision });
    const countersignatures = inspectors.map((m) => signBy(m, countersignatureMessage(definition.voteId, seal)));
    closedBody = { ...prepared, confirmations, decision, countersignatures };
  }
  const closed = push(makeEntry(last(), committeeId, 'vote.closed', closedBody));
  return {
    committeeId,
    definition,
    voteSecretKey: key.secretKey,
    members,
    present,
    devices,
    ballots,
    record: { committeeId, voteId: definition.voteId, entries, head: { seq: closed.seq, hash: closed.hash } },
    service,
  };
}
