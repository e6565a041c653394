import type { InstalledSoftware } from '@stocktake/shared/api';
import { compareGenericVersions, compareVersionsOf } from '../versions/order.ts';

/** The versions a device has, oldest first: in their source's order when both come from one source. */
export function distinctVersions(software: readonly InstalledSoftware[]): string[] {
  const sourceOf = new Map<string, string>();
  for (const s of software) if (!sourceOf.has(s.version)) sourceOf.set(s.version, s.source);
  return [...sourceOf.keys()].sort((a, b) => {
    const source = sourceOf.get(a);
    return source === sourceOf.get(b) ? compareVersionsOf(source, a, b) : compareGenericVersions(a, b);
  });
}
