// `npm run package`: builds, then writes dist/function-source.zip — the archive terraform uploads.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildFunctionSource } from './function-source.js';

const root = process.cwd();
const source = buildFunctionSource(root);
mkdirSync(join(root, 'dist'), { recursive: true });
const out = join(root, 'dist', 'function-source.zip');
writeFileSync(out, source.zip);
console.log(
  `wrote dist/function-source.zip: ${source.entries.length} files, ${(source.zip.length / 1024).toFixed(0)} KiB`,
);
console.log(`sha256 ${source.sha256}`);
console.log(`terraform uploads it as gs://<source bucket>/${source.objectName}`);
