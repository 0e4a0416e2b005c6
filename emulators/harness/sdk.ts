import { existsSync, realpathSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

/** Where the local emulator binaries live; resolved once from PATH or an explicit env override. */
export interface EmulatorBinaries {
  java: string;
  firestoreJar: string;
  pubsubLauncher: string;
}

/** Raised when a required emulator component is not installed; the message says how to install it. */
export class EmulatorUnavailableError extends Error {
  override name = 'EmulatorUnavailableError';
}

function which(command: string, path: string | undefined): string | undefined {
  for (const dir of (path ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, command);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Finds the Java runtime and the Firestore and Pub/Sub emulator components of the Google Cloud CLI.
 * `MAILMON_GCLOUD_SDK_ROOT` overrides the SDK root; otherwise it is derived from `gcloud` on PATH.
 * Never downloads anything: a missing part throws {@link EmulatorUnavailableError} naming it.
 */
export function findEmulatorBinaries(env: NodeJS.ProcessEnv = process.env): EmulatorBinaries {
  const problems: string[] = [];
  const java = env.JAVA_HOME ? join(env.JAVA_HOME, 'bin', 'java') : which('java', env.PATH);
  if (!java || !existsSync(java)) {
    problems.push(
      'Java runtime not found: install Java 17+ (apt-get install openjdk-17-jre-headless) and put `java` on PATH.',
    );
  }
  let sdkRoot = env.MAILMON_GCLOUD_SDK_ROOT || undefined;
  if (!sdkRoot) {
    const gcloud = which('gcloud', env.PATH);
    if (gcloud) sdkRoot = dirname(dirname(realpathSync(gcloud)));
  }
  let firestoreJar = '';
  let pubsubLauncher = '';
  if (!sdkRoot) {
    problems.push(
      'Google Cloud CLI not found: put `gcloud` on PATH or set MAILMON_GCLOUD_SDK_ROOT to the SDK root ' +
        "(gcloud info --format='value(installation.sdk_root)').",
    );
  } else {
    firestoreJar = join(sdkRoot, 'platform', 'cloud-firestore-emulator', 'cloud-firestore-emulator.jar');
    pubsubLauncher = join(sdkRoot, 'platform', 'pubsub-emulator', 'bin', 'cloud-pubsub-emulator');
    if (!existsSync(firestoreJar)) {
      problems.push(
        `Firestore emulator not found at ${firestoreJar}: gcloud components install cloud-firestore-emulator ` +
          '(or apt-get install google-cloud-cli-firestore-emulator).',
      );
    }
    if (!existsSync(pubsubLauncher)) {
      problems.push(
        `Pub/Sub emulator not found at ${pubsubLauncher}: gcloud components install pubsub-emulator ` +
          '(or apt-get install google-cloud-cli-pubsub-emulator).',
      );
    }
  }
  if (problems.length > 0) {
    throw new EmulatorUnavailableError(`Cannot start the local emulators:\n- ${problems.join('\n- ')}`);
  }
  return { java: java!, firestoreJar, pubsubLauncher };
}
