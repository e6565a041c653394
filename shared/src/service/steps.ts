/**
 * One thing to do to the target machine. Plans are data: the program's plan generators are
 * pure, and one small executor (execute.ts) applies them, under a root prefix in tests and
 * staging.
 */
export type Step =
  /** Create the directory and any missing parents; the ones created go into the manifest. */
  | { op: 'mkdir'; path: string; mode: number }
  /** Write a file atomically (temporary file, then rename) with this mode. */
  | { op: 'write'; path: string; content: string | Uint8Array; mode: number }
  /** Copy the running executable here (atomically: a running binary may be replaced). */
  | { op: 'install-self'; path: string; mode: number }
  | { op: 'save-manifest'; path: string; configPath: string }
  /** Run a program (no shell). allowFailure: report and carry on. show: print its output. */
  | { op: 'run'; argv: string[]; allowFailure?: boolean; show?: boolean }
  /** Remove one file if present. */
  | { op: 'remove'; path: string }
  /** Remove a directory and everything in it, if present. */
  | { op: 'remove-tree'; path: string }
  /** Remove a directory install created, unless something else now lives in it. */
  | { op: 'rmdir-if-empty'; path: string }
  | { op: 'note'; text: string };
