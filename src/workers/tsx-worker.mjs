// A worker's entry when its task module is TypeScript source (under the test runner; the
// service runs dist/, whose .js modules need no loader): registers tsx, a dev dependency, in
// this thread, since a worker does not inherit its parent's loader, then imports the module.
import { register } from 'tsx/esm/api';

register();
await import(process.argv[2]);
