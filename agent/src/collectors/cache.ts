import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CollectContext } from './types.ts';

/**
 * Mtimes of the given paths, and of the entries of those that are directories listed in
 * `dirs`: the inputs a package manager's answer depends on.
 */
export async function mtimeFingerprint(ctx: CollectContext, files: string[], dirs: string[] = []): Promise<string> {
  const paths = [...files];
  for (const dir of dirs) {
    paths.push(dir);
    for (const entry of await ctx.listDir(join(ctx.root, dir))) paths.push(join(dir, entry));
  }
  const parts = await Promise.all(
    paths.map(async (p) => `${p}=${(await ctx.mtime(join(ctx.root, p)))?.getTime() ?? '-'}`),
  );
  return createHash('sha256').update(parts.join('\n')).digest('hex');
}

interface CacheEntry<T> {
  fingerprint: string;
  value: T;
}

/**
 * Returns the cached value while the fingerprint is unchanged, else computes and stores it.
 * Expensive answers that depend only on files (pending updates) are then paid once per change,
 * not once per inventory. A missing or corrupt cache just means computing again, and so does a
 * value `isValue` (when given) does not accept.
 */
export async function cached<T>(
  ctx: CollectContext,
  key: string,
  fingerprint: string,
  compute: () => Promise<T>,
  isValue?: (value: unknown) => value is T,
): Promise<T> {
  if (!ctx.cacheDir) return compute();
  const file = join(ctx.cacheDir, `${key}.json`);
  try {
    const entry = JSON.parse(readFileSync(file, 'utf8')) as CacheEntry<T>;
    if (entry.fingerprint === fingerprint && (!isValue || isValue(entry.value))) {
      ctx.log.debug({ key }, 'cache hit');
      return entry.value;
    }
  } catch {
    // absent or unreadable: compute below
  }
  const value = await compute();
  try {
    mkdirSync(ctx.cacheDir, { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ fingerprint, value } satisfies CacheEntry<T>), { mode: 0o600 });
    renameSync(tmp, file);
  } catch (err) {
    ctx.log.warn({ err, key }, 'cannot write collector cache');
  }
  return value;
}
