#!/usr/bin/env node
// `npx mailmon …` from a checkout: runs the TypeScript CLI through tsx (a devDependency of the checkout).
import { register } from 'tsx/esm/api';

register();
const { main, describeFailure } = await import('./main.ts');
// Google's clients can reject a credentials lookup outside the awaited call; report it like any failure
process.on('unhandledRejection', (error) => {
  process.stderr.write(`mailmon: ${describeFailure(error)}\n`);
  process.exit(1);
});
// the first Ctrl-C lets a long-running command (listen) finish and report; a second one ends it at once
const stopping = new AbortController();
process.on('SIGINT', () => {
  if (stopping.signal.aborted) process.exit(130);
  stopping.abort();
});
process.exitCode = await main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  cwd: process.cwd(),
  signal: stopping.signal,
});
process.exit();
