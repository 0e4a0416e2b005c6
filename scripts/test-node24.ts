// `npm run test:node24 [-- vitest args]`: the vitest projects on the Node 24 the `nodejs24` runtime uses
// (fetched once into .mailmon/), to check the code keeps running there as on the machine's own Node.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { node24Binary } from './node24.js';

const node = node24Binary();
const vitest = join(process.cwd(), 'node_modules', 'vitest', 'vitest.mjs');
const run = spawnSync(node, [vitest, 'run', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, METADATA_SERVER_DETECTION: 'none' },
});
process.exit(run.status ?? 1);
