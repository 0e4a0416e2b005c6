import { loadConfig } from '../config/load-config.js';
import { buildRuntime, type Runtime } from './composition-root.js';
import { lazy } from './lazy.js';

/**
 * The process-wide runtime of a deployed function: configuration is read from the environment once, on
 * first use, so health checks answer even while configuration is missing.
 */
export const runtime: () => Promise<Runtime> = lazy(() => buildRuntime(loadConfig(process.env)));
