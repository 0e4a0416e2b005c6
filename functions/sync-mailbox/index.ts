import { healthOnly } from '../health.js';

/** The `syncMailbox` Cloud Function entry point. */
export const syncMailbox = healthOnly('syncMailbox');
