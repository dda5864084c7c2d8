// The protocol core in one import, for the browser bundle and the CLI verifier.
export * from './errors.ts';
export * from './encoding.ts';
export * from './device.ts';
export * from './tokens.ts';
export * from './ballot.ts';
export * from './tally.ts';
export * from './chain.ts';
export * from './receipt.ts';
export * from './member.ts';
export * from './verifier.ts';
export * from './h2c-g1.ts';
export * from './msm.ts';
export * from './version.ts';
export * from './ballot-v2.ts';
