// Types of scripts/build.mjs (plain JavaScript, so that it runs on bare Node at `npm install`).
export declare const ROOT: string;
export declare const DIST: string;
/** A hash of everything the build reads; dist/build-stamp.json holds the one it was built from. */
export declare function inputsHash(): string;
/** Why dist/ cannot be used as it is, or undefined when it is fresh. */
export declare function staleness(): string | undefined;
/** Builds dist/; with `ifStale`, only when it is missing or stale. True when it built. */
export declare function build(options?: { ifStale?: boolean; log?: (line: string) => void }): Promise<boolean>;
