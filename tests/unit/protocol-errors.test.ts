// The protocol's entry points that read untrusted input throw only ProtocolError (a coded
// error with messageZh), never a TypeError, whatever non-object or wrong-typed value they get.
import { describe, expect, it } from 'vitest';
import { parseMarks, parseVoteDefinition, parseVoteRules, validateBallot } from '../../src/protocol/ballot.ts';
import { parseEntry, parseEntryBody, ENTRY_KINDS, parseIssuance, verifyChainLinks } from '../../src/protocol/chain.ts';
import { parseCompositeBody, parseCompositeDefinition } from '../../src/protocol/composite.ts';
import { deviceKeyFingerprint, parseDevicePublicKey, verifyDeviceSignature, verifyDeviceSignatures } from '../../src/protocol/device-key.ts';
import { fromBase64url } from '../../src/protocol/encoding.ts';
import { ProtocolError } from '../../src/protocol/errors.ts';
import { findBallotInRecord } from '../../src/protocol/member-ballot.ts';
import { readPin } from '../../src/protocol/pinned-head.ts';
import { verifyReceipt, verifyTallySignature } from '../../src/protocol/receipt.ts';
import { parseGrades } from '../../src/protocol/shapes.ts';
import { verifyComposite } from '../../src/protocol/verify/composite.ts';
import { definitionWith, item } from '../helpers/protocol-ballots.ts';

const JUNK: unknown[] = [undefined, null, 0, -1, NaN, 1e300, '', 'x', true, [], [null], {}, { a: 1 }, new Uint8Array(3), () => 1, Symbol('s'), 10n];
const def = definitionWith([item('i-1', 1, ['a', 'b'])]);

/** What a call threw: 'ok' when nothing, the code of a ProtocolError, or the name of anything else. */
async function outcome(call: () => unknown): Promise<string> {
  try {
    await call();
    return 'ok';
  } catch (e) {
    return e instanceof ProtocolError ? `ProtocolError` : `${(e as Error)?.name ?? typeof e}: ${(e as Error)?.message}`;
  }
}

const ENTRY_POINTS: [string, (v: unknown) => unknown][] = [
  ['parseEntry', (v) => parseEntry(v)],
  ...ENTRY_KINDS.map((k): [string, (v: unknown) => unknown] => [`parseEntryBody(${k})`, (v) => parseEntryBody(k, v)]),
  ['parseIssuance', (v) => parseIssuance(v)],
  ['verifyChainLinks', (v) => verifyChainLinks(v)],
  ['parseVoteDefinition', (v) => parseVoteDefinition(v)],
  ['parseVoteRules', (v) => parseVoteRules(v)],
  ['parseMarks', (v) => parseMarks(v)],
  ['parseGrades', (v) => parseGrades(v)],
  ['validateBallot', (v) => validateBallot(def, v)],
  ['parseCompositeDefinition', (v) => parseCompositeDefinition(v)],
  ['parseCompositeBody', (v) => parseCompositeBody(v)],
  ['verifyComposite(sources)', (v) => verifyComposite(v as never, {})],
  ['verifyComposite(entry)', (v) => verifyComposite([], v)],
  ['parseDevicePublicKey', (v) => parseDevicePublicKey(v as never)],
  ['parseDevicePublicKey(key)', (v) => parseDevicePublicKey({ alg: 'Ed25519', key: v as never })],
  ['deviceKeyFingerprint', (v) => deviceKeyFingerprint(v as never)],
  ['verifyDeviceSignature', (v) => verifyDeviceSignature({ alg: 'Ed25519', key: 'A'.repeat(43) }, new Uint8Array(1), v as never)],
  [
    'verifyDeviceSignatures(randomBytes)',
    (v) =>
      verifyDeviceSignatures(
        [{ device: { alg: 'Ed25519', key: 'O2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik' }, message: new Uint8Array(1), signature: 'A'.repeat(86) }],
        () => v as never,
      ),
  ],
  ['fromBase64url', (v) => fromBase64url(v as never)],
  ['findBallotInRecord', (v) => findBallotInRecord(v as never, '0'.repeat(64))],
  ['readPin', (v) => readPin(v)],
  ['verifyReceipt', (v) => verifyReceipt(v, { keys: [] })],
  ['verifyTallySignature', (v) => verifyTallySignature(v, { keys: [] }, {})],
];

describe('protocol entry points on junk', () => {
  it.each(ENTRY_POINTS)('%s throws nothing but ProtocolError', async (_, call) => {
    const found = new Set<string>();
    for (const v of JUNK) {
      const o = await outcome(() => call(v));
      if (o !== 'ok' && o !== 'ProtocolError') found.add(`${typeof v === 'symbol' ? 'symbol' : typeof v === 'bigint' ? '10n' : JSON.stringify(v)} → ${o}`);
    }
    expect([...found]).toEqual([]);
  });
});
