#!/usr/bin/env node
// Runs the compiled server (dist/, built by `pnpm build`). Inside the workspace, tests and
// `pnpm dev` run the TypeScript source through scripts/outpost-server-from-source.js instead.
await import('../dist/cli.js');
