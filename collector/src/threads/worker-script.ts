/** Where a worker thread's code is, from the sources or in a release. */
export interface WorkerScript {
  /** The script the thread starts. */
  script: URL;
  /** From the sources: the TypeScript module tsx-worker.mjs imports once it has registered tsx. */
  tsxEntry?: string;
}

/**
 * Where the worker whose module is `source` (relative to `caller`, the starting module's
 * import.meta.url) runs from. From the TypeScript sources (a checkout, the tests) it is that
 * module, started through tsx-worker.mjs; in a release, where `caller` is the collector's bundle,
 * the worker's own bundle `bundle` beside it (scripts/build/release-bundle.ts names them).
 */
export function workerScript(caller: string, source: string, bundle: string): WorkerScript {
  if (caller.endsWith('.ts')) {
    return { script: new URL('./tsx-worker.mjs', import.meta.url), tsxEntry: new URL(source, caller).href };
  }
  return { script: new URL(`./${bundle}`, caller) };
}
