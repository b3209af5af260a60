#!/usr/bin/env node
// Entry point for `switchboard` and `npm start`. Registers tsx so the TypeScript
// sources run directly (no build step between `npm ci` and `npm start`).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/index.ts');
