import { healthOnly } from '../health.js';

/** The `deliverWebhook` Cloud Function entry point. */
export const deliverWebhook = healthOnly('deliverWebhook');
