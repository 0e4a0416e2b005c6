import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { currentSdkSource, GENERATED_SDK } from '../scripts/generate-sdk.js';

describe('the generated SDK', () => {
  it('matches the API’s current OpenAPI document (run `npm run sdk:generate` after changing a route)', () => {
    expect(readFileSync(GENERATED_SDK, 'utf8')).toBe(currentSdkSource());
  });

  it('has a method for every API-key operation and a type for every event', () => {
    const source = currentSdkSource();
    for (const operation of [
      'createReplay',
      'cancelReplay',
      'deleteMailbox',
      'listMessages',
      'createSubscription',
    ])
      expect(source).toContain(`  ${operation}(`);
    expect(source).toContain('export type MailmonEvent =\n  | MessageCreatedEvent');
    expect(source).toContain('type: "mailbox.resync_started";');
  });
});
