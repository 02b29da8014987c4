/**
 * Modules the workflow bundle loads once per worker and shares between all workflows in the
 * reusable V8 context (Temporal's `preloadModules`), instead of evaluating them again for every
 * workflow: without this each cached round carried its own copy of zod, luxon and the domain,
 * about 2 MB (see the benchmarks, P5). Only modules without per-workflow state may be listed:
 * libraries and pure code whose module-level values are constants or caches of pure functions.
 * Every bundle of `workflows/` (worker, tests, recorded histories, a prebuilt production bundle)
 * must be built with this list.
 */
export const WORKFLOW_PRELOAD_MODULES: readonly string[] = ['zod', 'luxon', '@ratsweg/domain', '@ratsweg/contracts'];
