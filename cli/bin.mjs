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
process.exitCode = await main(process.argv.slice(2));
