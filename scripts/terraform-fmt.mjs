#!/usr/bin/env node
// `terraform fmt -check` over terraform/ (and terraform.tfvars.example, which fmt only reads as .tfvars),
// where a terraform binary is on PATH. Needs no provider and no network; the CLI configuration is ignored.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

if (!existsSync('terraform')) {
  console.log('no terraform/ folder here: nothing to format');
  process.exit(0);
}
const env = { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', CHECKPOINT_DISABLE: '1' };
const probe = spawnSync('terraform', ['version'], { env, stdio: 'ignore' });
if (probe.error) {
  console.log(
    'terraform is not on PATH: formatting not checked (the offline schema and wiring checks still ran)',
  );
  process.exit(0);
}
const example = mkdtempSync(join(tmpdir(), 'mailmon-tfvars-'));
copyFileSync('terraform/terraform.tfvars.example', join(example, 'example.tfvars'));
let failed = false;
for (const target of ['terraform', example]) {
  const run = spawnSync('terraform', ['fmt', '-check', '-diff', '-recursive', target], {
    env,
    stdio: 'inherit',
  });
  if (run.status !== 0) failed = true;
}
rmSync(example, { recursive: true, force: true });
console.log(
  failed
    ? 'terraform fmt: files need formatting (terraform fmt -recursive terraform)'
    : 'terraform fmt: formatted',
);
process.exit(failed ? 1 : 0);
