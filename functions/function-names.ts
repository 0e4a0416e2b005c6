/** The names of Mailmon's Cloud Functions, one per row of the design's function table. */
export const FUNCTION_NAMES = [
  'api',
  'oauthCallback',
  'gmailPush',
  'syncMailbox',
  'deliverWebhook',
  'control',
] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

/** Where `control` receives the dead-letter topic's pushes (its Scheduler jobs call `/jobs/<job>`). */
export const DEAD_LETTERS_PATH = '/dead-letters';
