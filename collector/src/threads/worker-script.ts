/** Where a worker thread's code is, from the sources or in a release. */
export interface WorkerScript {
  /** The script the thread starts. */
  script: URL;
  /** From the sources: the TypeScript module tsx-worker.mjs imports once it has registered tsx. */
  tsxEntry?: string;
}

/**
 * Where a worker runs from. `caller` is the starting module's import.meta.url. From the
 * TypeScript sources (a checkout, the tests) the worker is the module `source` (relative to
 * `caller`), started through tsx-worker.mjs; in a release, where `caller` is the collector's
 * bundle, it is its own bundle `bundle` beside it (scripts/build/release-bundle.ts). Callers
 * spell `bundle` as `new URL('./name.mjs', import.meta.url)`, which the release build finds
 * and checks is in the archive.
 */
export function workerScript(caller: string, source: string, bundle: URL): WorkerScript {
  if (!caller.endsWith('.ts')) return { script: bundle };
  // Through a variable: a release never starts tsx, so its build must not ask for this file.
  const here = import.meta.url;
  return { script: new URL('./tsx-worker.mjs', here), tsxEntry: new URL(source, caller).href };
}
