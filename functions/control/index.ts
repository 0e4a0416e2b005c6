import { healthOnly } from '../health.js';

/** The `control` Cloud Function entry point. */
export const control = healthOnly('control');
