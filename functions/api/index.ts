import { loadConfig } from '../../shared/config/load-config.js';
import { buildRuntime } from '../../shared/runtime/composition-root.js';
import { lazy } from '../../shared/runtime/lazy.js';
import { jsonLogger } from '../../shared/runtime/logger.js';
import { createApiFunction } from './app.js';

const runtime = lazy(() => buildRuntime(loadConfig(process.env)));

/** The `api` Cloud Function entry point: the public REST API and the connect-link redirect. */
export const api = createApiFunction(
  async () => {
    const r = await runtime();
    return { ...r, apiBaseUrl: r.config.apiUrl };
  },
  jsonLogger(),
  () => process.env.MAILMON_API_URL,
);
