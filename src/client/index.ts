// The one client of the service's API (issue 13): HTTP JSON calls, the device's enrolment and
// login, and the version-2 close. Isomorphic (no node: imports).
export * from './http.ts';
export * from './device.ts';
export * from './close.ts';
export * from './ballots.ts';
export * from './participant.ts';
export * from './random.ts';
