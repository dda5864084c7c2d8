// What one verifier check returns. Shared by verifier.ts and the checks in this folder.
import type { ChainEntry, EntryBodies } from '../chain.ts';
import type { VerificationCode } from './codes.ts';

// Every outcome carries its detail in English (`detail`) and in Chinese (`detailZh`).
export type Outcome = { ok: true; detail: string; detailZh: string } | { ok: false; code: VerificationCode; detail: string; detailZh: string };
export const pass = (detail: string, detailZh: string): Outcome => ({ ok: true, detail, detailZh });
export const fail = (code: VerificationCode, detail: string, detailZh: string): Outcome => ({ ok: false, code, detail, detailZh });

export type Entry<K extends keyof EntryBodies> = Extract<ChainEntry, { kind: K }>;
