#!/usr/bin/env node
// Workspace only (not published): runs the server from its TypeScript source through tsx, with
// the `development` export condition so @outpost/shared resolves to its src/ too. Tests spawn
// this, so they need no build step; the published bin (bin/outpost-server.js) runs dist/.
import { register } from 'node:module';
import { register as registerTsx } from 'tsx/esm/api';

register('./development-condition.js', import.meta.url);
registerTsx();
await import('../src/cli.ts');
