// What this device keeps, in IndexedDB (it survives reloads and holds CryptoKey objects without
// exporting them):
//   device   { deviceId, personId, alg, privateKey (non-extractable), publicKey }
//   votes    per vote: the token request (r and, in version 2, the one-time ballot secret key;
//            t in version 1 — all secret), the vote definition pinned from the record, the
//            unblinded token (with the ballot key, so a reload can still sign the ballot), the
//            ballot as cast and its signed receipt.
//   a participant holding a slip (issue 15): the credential each spent slip gave, and that
//            slip's votes as above (see the end of this file).
// Nothing here ever leaves the device except through the protocol functions.
import type { AnyChoices, AnyVoteDefinition, Ballot, Choices, VoteDefinition } from '../protocol/ballot.ts';
import type { DeviceAlgorithm } from '../protocol/device-key.ts';
import type { Token, TokenRequest } from '../protocol/member-ballot.ts';

const DB_NAME = 'piaojue';
const DB_VERSION = 1;

export interface StoredDevice {
  deviceId: string;
  personId: string;
  alg: DeviceAlgorithm;
  privateKey: CryptoKey;
  /** base64url raw public key, as enrolled. */
  publicKey: string;
  enrolledAt: string;
}

/**
 * A vote on this device. A member's (the defaults) or, with a 民主推荐 / 民主测评 definition and
 * its cells, a participant's holding a slip (src/web/slip-flow.ts), whose owner is `slip:<slipId>`.
 */
export interface StoredVote<D extends AnyVoteDefinition = VoteDefinition, C extends AnyChoices = Choices> {
  voteId: string;
  /** Owner of this entry: several people may enrol one after another on a shared browser. */
  personId: string;
  /** Stored before the request is sent, so a lost answer is retried with the same blinded point. */
  request: TokenRequest;
  /** The definition as published in the committee's chain (vote.created): its key is the one pinned. */
  definition: D;
  /** Hash of that vote.created entry in the verified chain (absent in votes stored before it was kept). */
  createdHash?: string;
  token?: Token;
  /** Marks not yet cast, kept so a reload mid-vote loses nothing. */
  draft?: C;
  /** The ballot, stored before it is sent: after a reload the very same ballot is re-sent. */
  ballot?: Ballot;
  ballotHash?: string;
  receipt?: string;
  /** A definite refusal of the ballot (not a network failure): the outbox stops sending it. */
  refused?: { code: string; text: string };
  /** Version 2: the prepared close (its preparedHash) this device found its ballot in, unchanged, and confirmed. */
  confirmedClose?: string;
  /** Version 2: the prepared close (its preparedHash) that does NOT hold this device's ballot: never confirmed. */
  missingFromClose?: string;
  /** After close: the ballot was found in the record and the receipt verified. */
  counted?: boolean;
  /** The head of the record that check read (the close entry), shown to compare with the projector. */
  closedHead?: { seq: number; hash: string };
}

let opening: Promise<IDBDatabase> | undefined;

function db(): Promise<IDBDatabase> {
  opening ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, DB_VERSION);
    req.onupgradeneeded = () => {
      const d = req.result;
      if (!d.objectStoreNames.contains('device')) d.createObjectStore('device');
      if (!d.objectStoreNames.contains('votes')) d.createObjectStore('votes', { keyPath: 'voteId' });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
  return opening;
}

function run<T>(store: 'device' | 'votes', mode: IDBTransactionMode, op: (s: IDBObjectStore) => IDBRequest): Promise<T> {
  return db().then(
    (d) =>
      new Promise<T>((resolve, reject) => {
        const tx = d.transaction(store, mode);
        const req = op(tx.objectStore(store));
        // Resolve on commit, not on the request: a write is only "stored" once it is durable.
        tx.oncomplete = () => resolve(req.result as T);
        tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
        tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
      }),
  );
}

export const loadDevice = () => run<StoredDevice | undefined>('device', 'readonly', (s) => s.get('self'));
export const saveDevice = (d: StoredDevice) => run<unknown>('device', 'readwrite', (s) => s.put(d, 'self'));
export const forgetDevice = () => run<unknown>('device', 'readwrite', (s) => s.delete('self'));

export async function loadVote(voteId: string, personId: string): Promise<StoredVote | undefined> {
  const v = await run<StoredVote | undefined>('votes', 'readonly', (s) => s.get(voteId));
  return v && v.personId === personId ? v : undefined;
}
export const saveVote = (v: StoredVote) => run<unknown>('votes', 'readwrite', (s) => s.put(v));

// ---- a participant holding a slip (issue 15) ----

/** The credential a spent slip gave this phone (kept so a reload continues without the code). */
export interface StoredParticipant {
  /** The slip, as the credential names it: the owner of this phone's participant votes. */
  slipId: string;
  meetingId: string;
  credential: string;
  expiresAt: string;
  /** SHA-256 (hex) of the code spent: the same slip opened again continues here instead of being refused as spent. */
  codeHash: string;
}

// Kept in the 'device' store under keys of their own (no schema upgrade): the credential of every
// slip this phone spent, by the code's hash, and which one is current; and a participant's votes
// by slip and vote, apart from the members' 'votes' store (keyed by the vote alone), so two slips
// spent on one shared phone never overwrite each other's token or outbox.

/** The current slip's credential, or the one a given code gave (by its hash). */
export const loadParticipant = (codeHash?: string) =>
  run<StoredParticipant | undefined>('device', 'readonly', (s) => s.get(codeHash === undefined ? 'participant' : `participant:${codeHash}`));

/** Keeps the credential under its code and makes it the current one. */
export async function saveParticipant(p: StoredParticipant): Promise<void> {
  await run<unknown>('device', 'readwrite', (s) => s.put(p, `participant:${p.codeHash}`));
  await run<unknown>('device', 'readwrite', (s) => s.put(p, 'participant'));
}

// The redemption nonce drawn for a code before it is first sent, kept until the code gave this
// phone its credential: a reload after a lost answer asks again with the same nonce, and the
// service answers the same phone (and only it) with a credential for the slip it spent.
export const loadRedeemNonce = (codeHash: string) => run<string | undefined>('device', 'readonly', (s) => s.get(`redeem-nonce:${codeHash}`));
export const saveRedeemNonce = (codeHash: string, nonce: string | undefined) =>
  run<unknown>('device', 'readwrite', (s) => (nonce === undefined ? s.delete(`redeem-nonce:${codeHash}`) : s.put(nonce, `redeem-nonce:${codeHash}`)));

export const loadSlipVote = <V extends StoredVote<AnyVoteDefinition, AnyChoices>>(voteId: string, owner: string) =>
  run<V | undefined>('device', 'readonly', (s) => s.get(`slip-vote:${owner}:${voteId}`));
export const saveSlipVote = (v: StoredVote<AnyVoteDefinition, AnyChoices>) =>
  run<unknown>('device', 'readwrite', (s) => s.put(v, `slip-vote:${v.personId}:${v.voteId}`));
