import { healthOnly } from '../health.js';

/** The `oauthCallback` Cloud Function entry point. */
export const oauthCallback = healthOnly('oauthCallback');
