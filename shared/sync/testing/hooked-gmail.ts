import type { GmailClient } from '../ports.js';

/**
 * A Gmail client that runs `hook` once, just before its `at`-th call (from 1) goes out: the moment to let
 * something happen in the middle of a sync, such as another trigger or a lease takeover.
 */
export function hookedGmail(
  gmail: GmailClient,
  at: number,
  hook: () => Promise<void>,
): GmailClient & { fired(): boolean } {
  let calls = 0;
  const before = async () => {
    calls += 1;
    if (calls === at) await hook();
  };
  return {
    fired: () => calls >= at,
    getProfile: async () => {
      await before();
      return gmail.getProfile();
    },
    listMessages: async (pageToken, pageSize) => {
      await before();
      return gmail.listMessages(pageToken, pageSize);
    },
    getMessage: async (id) => {
      await before();
      return gmail.getMessage(id);
    },
    listHistory: async (startHistoryId, pageToken) => {
      await before();
      return gmail.listHistory(startHistoryId, pageToken);
    },
  };
}
