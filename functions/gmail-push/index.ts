import { healthOnly } from '../health.js';

/** The `gmailPush` Cloud Function entry point. */
export const gmailPush = healthOnly('gmailPush');
