import { defineConfig } from 'vitest/config';

const shared = {
  environment: 'node' as const,
  restoreMocks: true,
};

export default defineConfig({
  test: {
    reporters: process.env.MAILMON_TEST_REPORT
      ? ['default', ['json', { outputFile: process.env.MAILMON_TEST_REPORT }]]
      : ['default'],
    passWithNoTests: false,
    projects: [
      {
        test: {
          ...shared,
          name: 'unit',
          include: ['{functions,shared,emulators,cli,sdk,bench,scripts}/**/*.test.ts'],
          exclude: ['**/*.emulator.test.ts', '**/node_modules/**', '**/dist/**'],
        },
      },
      {
        test: {
          ...shared,
          name: 'emulator',
          include: ['{functions,shared,emulators,cli,sdk,bench}/**/*.emulator.test.ts'],
          exclude: ['**/node_modules/**', '**/dist/**'],
          globalSetup: ['./emulators/testing/global-setup.ts'],
          setupFiles: ['./emulators/testing/setup-env.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
