import type { ServiceCommands } from './service-commands.ts';

/**
 * `run`, `status` and `service`, loaded on first use. From the sources this is a dynamic import.
 * The single-executable build (scripts/build/bundle.ts) bundles service-commands.ts as a chunk
 * of its own, beside the main bundle and as an asset of the executable, and resolves this
 * import to a loader of that chunk (bundle-chunk.ts): V8 then never parses that code, nor
 * builds a function object for each of its thousands of functions, on `inventory` and `once`.
 */
export function loadServiceCommands(): Promise<ServiceCommands> {
  return import('./service-commands.ts');
}
