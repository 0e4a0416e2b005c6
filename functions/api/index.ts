import { healthOnly } from '../health.js';

/** The `api` Cloud Function entry point. */
export const api = healthOnly('api');
