// Protocol versions. A record says its version in the vote definition (`version: 2`; absent
// means 1, so version-1 records hash exactly as they always did). The version fixes the token
// DST, the ballot shape and the verifier's checks; new votes use CURRENT_VERSION.
export const PROTOCOL_VERSIONS = [1, 2] as const;
export type ProtocolVersion = (typeof PROTOCOL_VERSIONS)[number];
export const CURRENT_VERSION = 2 as const satisfies ProtocolVersion;

/** The version a vote definition (or anything carrying its `version` field) follows. */
export function versionOf(definition: { version?: unknown }): ProtocolVersion {
  return definition.version === 2 ? 2 : 1;
}
