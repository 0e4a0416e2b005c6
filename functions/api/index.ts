import { jsonLogger } from '../../shared/runtime/logger.js';
import { runtime } from '../../shared/runtime/process-runtime.js';
import { apiDepsOf, createApiFunction } from './app.js';

/** The `api` Cloud Function entry point: the public REST API and the connect-link redirect. */
export const api = createApiFunction(
  async () => apiDepsOf(await runtime()),
  jsonLogger(),
  () => process.env.MAILMON_API_URL,
);
