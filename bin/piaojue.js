#!/usr/bin/env node
// The `piaojue` command. The sources are TypeScript run through tsx, so a fresh
// `npm install` is all a machine needs: no build step to forget.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
