// What one verifier check returns. Shared by verifier.ts and the checks in this folder.
import type { ChainEntry, EntryBodies } from '../chain.ts';
import type { VerificationCode } from '../verifier.ts';

export type Outcome = { ok: true; detail: string } | { ok: false; code: VerificationCode; detail: string };
export const pass = (detail: string): Outcome => ({ ok: true, detail });
export const fail = (code: VerificationCode, detail: string): Outcome => ({ ok: false, code, detail });

export type Entry<K extends keyof EntryBodies> = Extract<ChainEntry, { kind: K }>;
