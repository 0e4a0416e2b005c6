// `npm run firebase -- <firebase args>`: the pinned Firebase CLI (firebase-tools, a devDependency), run from
// the repository root on the emulator jars the Google Cloud CLI installed, so nothing is downloaded:
//   npm run firebase -- emulators:exec --only firestore,pubsub "<cmd>"
//   npm run firebase -- emulators:start --only firestore,pubsub
// firebase-tools 15 needs a JDK >= 21; one is looked for in JAVA_HOME, on PATH and beside the default JDK.
// `npx tsx scripts/firebase.ts --print-env` prints the variables instead (eval them to use `npx firebase`).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { EmulatorUnavailableError, findEmulatorBinaries } from '../emulators/harness/sdk.js';

const root = join(dirname(new URL(import.meta.url).pathname), '..');

function fail(message: string): never {
  console.error(`firebase: ${message}`);
  process.exit(2);
}

function javaMajor(java: string): number | undefined {
  const run = spawnSync(java, ['-version'], { encoding: 'utf8' });
  const match = /version "(\d+)(?:\.(\d+))?/.exec(`${run.stderr}${run.stdout}`);
  if (!match) return undefined;
  return match[1] === '1' ? Number(match[2]) : Number(match[1]);
}

/** JDK homes worth trying: JAVA_HOME, the one on PATH, and every JDK beside it (e.g. /usr/lib/jvm/*). */
function jdkHomes(): string[] {
  const homes: string[] = [];
  if (process.env.JAVA_HOME) homes.push(process.env.JAVA_HOME);
  const which = spawnSync('sh', ['-c', 'command -v java'], { encoding: 'utf8' }).stdout.trim();
  if (which) {
    const home = dirname(dirname(realpathSync(which)));
    homes.push(home);
    const parent = dirname(home);
    for (const name of readdirSync(parent)) homes.push(join(parent, name));
  }
  for (const base of ['/usr/lib/jvm', '/opt/java', '/Library/Java/JavaVirtualMachines']) {
    if (!existsSync(base)) continue;
    for (const name of readdirSync(base)) homes.push(join(base, name), join(base, name, 'Contents', 'Home'));
  }
  return [...new Set(homes)].filter(
    (h) => existsSync(join(h, 'bin', 'java')) && existsSync(join(h, 'bin', 'jar')),
  );
}

function findJdk21(): string {
  const seen: string[] = [];
  for (const home of jdkHomes()) {
    const major = javaMajor(join(home, 'bin', 'java'));
    seen.push(`${home} (${major ?? 'unknown version'})`);
    if (major !== undefined && major >= 21) return home;
  }
  fail(
    `firebase-tools 15 needs a JDK >= 21 and none was found (${seen.length ? `found: ${seen.join(', ')}` : 'no JDK found'}). ` +
      'Install one (e.g. Temurin 21 or 25) or set JAVA_HOME to it. Tests and `npm run dev` need only Java 17.',
  );
}

function emulatorEnv(): Record<string, string> {
  let jar: string;
  let pubsub: string;
  try {
    ({ firestoreJar: jar, pubsubLauncher: pubsub } = findEmulatorBinaries());
  } catch (error) {
    if (error instanceof EmulatorUnavailableError) fail(error.message);
    throw error;
  }
  const jdk = findJdk21();
  // the Firestore jar has no Main-Class: a manifest-only jar points firebase-tools' `java -jar` at it
  const work = join(root, '.mailmon', 'firebase');
  mkdirSync(work, { recursive: true });
  writeFileSync(
    join(work, 'manifest.txt'),
    `Main-Class: com.google.cloud.datastore.emulator.firestore.CloudFirestore\nClass-Path: file:${jar}\n`,
  );
  execFileSync(join(jdk, 'bin', 'jar'), ['cfm', 'firestore-launcher.jar', 'manifest.txt'], { cwd: work });
  return {
    JAVA_HOME: jdk,
    PATH: `${join(jdk, 'bin')}:${process.env.PATH ?? ''}`,
    FIRESTORE_EMULATOR_BINARY_PATH: join(work, 'firestore-launcher.jar'),
    PUBSUB_EMULATOR_BINARY_PATH: pubsub,
  };
}

const args = process.argv.slice(2);
const env = emulatorEnv();
if (args[0] === '--print-env') {
  for (const [key, value] of Object.entries(env)) console.log(`export ${key}='${value}'`);
  process.exit(0);
}
const firebase = join(root, 'node_modules', '.bin', 'firebase');
if (!existsSync(firebase)) fail('firebase-tools is not installed: run `npm ci`');
const run = spawnSync(firebase, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
process.exit(run.status ?? 1);
