import { describe, expect, it } from 'vitest';
import { startEmulators } from './emulators.js';
import { EmulatorUnavailableError, findEmulatorBinaries } from './sdk.js';

const withoutSdk = { PATH: '/nonexistent', MAILMON_GCLOUD_SDK_ROOT: '' };

describe('finding the emulator components', () => {
  it('names the Google Cloud CLI and Java when neither is on PATH', () => {
    expect(() => findEmulatorBinaries(withoutSdk)).toThrowError(EmulatorUnavailableError);
    expect(() => findEmulatorBinaries(withoutSdk)).toThrowError(/Google Cloud CLI not found[\s\S]*gcloud/);
    expect(() => findEmulatorBinaries(withoutSdk)).toThrowError(/Java runtime not found/);
  });

  it('names each emulator component missing from an SDK root', () => {
    const env = { PATH: process.env.PATH, MAILMON_GCLOUD_SDK_ROOT: '/nonexistent-sdk' };
    expect(() => findEmulatorBinaries(env)).toThrowError(
      /Firestore emulator not found[\s\S]*Pub\/Sub emulator not found/,
    );
  });

  it('refuses to start the emulators rather than pretending they run', async () => {
    await expect(startEmulators({ env: withoutSdk })).rejects.toThrowError(
      /Cannot start the local emulators/,
    );
  });
});
