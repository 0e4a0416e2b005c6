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
