#!/usr/bin/env -S node --max-semi-space-size=64
// Runs the compiled server (dist/, built by `pnpm build`) with a 64 MB young generation
// (docs/decisions.md, "The server runs with a 64 MB young generation"); started as
// `node bin/outpost-server.js`, give the flag to node yourself. Inside the workspace, tests
// and `pnpm dev` run the TypeScript source through scripts/outpost-server-from-source.js.
await import('../dist/cli.js');
