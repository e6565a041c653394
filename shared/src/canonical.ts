import { createHash } from 'node:crypto';
import type { SectionName } from './contract.ts';
import type { Hardware } from './hardware.ts';
import type { PatchState } from './patches.ts';
import type { SoftwareItem } from './software.ts';
import { compareSoftware } from './software-order.ts';
import type { Users } from './users.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * JSON with object keys sorted and `undefined` members dropped, so two equal values
 * serialise to the same bytes whatever order their keys were built in.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(toCanonical(value));
}

function toCanonical(value: unknown): Json | undefined {
  if (value === null) return null;
  if (Array.isArray(value)) return value.map((v) => toCanonical(v) ?? null);
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`cannot hash non-finite number ${value}`);
      return value;
    case 'object': {
      const out: { [key: string]: Json } = {};
      for (const key of Object.keys(value as object).sort()) {
        const v = toCanonical((value as Record<string, unknown>)[key]);
        if (v !== undefined) out[key] = v;
      }
      return out;
    }
    default:
      return undefined;
  }
}

const byString =
  <T>(pick: (item: T) => string | undefined) =>
  (a: T, b: T) => {
    const x = pick(a) ?? '';
    const y = pick(b) ?? '';
    return x < y ? -1 : x > y ? 1 : 0;
  };

function sorted<T>(list: T[] | undefined, compare: (a: T, b: T) => number): T[] | undefined {
  return list === undefined ? undefined : [...list].sort(compare);
}

/**
 * Puts the lists of a section in their canonical order. Sources enumerate in whatever
 * order they like; the order carries no meaning, so it must not change the hash.
 */
export function normalizeSectionData<T>(name: SectionName, data: T): T {
  switch (name) {
    case 'software':
      return sorted(data as SoftwareItem[], compareSoftware) as T;
    case 'hardware': {
      const hw = data as Hardware;
      return {
        ...hw,
        memory: hw.memory && {
          ...hw.memory,
          modules: sorted(
            hw.memory.modules,
            byString((m) => `${m.slot ?? ''}\u0000${m.serial ?? ''}`),
          ),
        },
        disks: sorted(
          hw.disks,
          byString((d) => `${d.name ?? ''}\u0000${d.serial ?? ''}`),
        ),
        nics: sorted(
          hw.nics,
          byString((n) => n.name),
        ),
        gpus: sorted(
          hw.gpus,
          byString((g) => `${g.vendor ?? ''}\u0000${g.model ?? ''}`),
        ),
        batteries: sorted(
          hw.batteries,
          byString((b) => `${b.serial ?? ''}\u0000${b.model ?? ''}`),
        ),
        monitors: sorted(
          hw.monitors,
          byString((m) => `${m.vendor ?? ''}\u0000${m.model ?? ''}\u0000${m.serial ?? ''}`),
        ),
      } as T;
    }
    case 'patches': {
      const p = data as PatchState;
      return {
        ...p,
        pending: sorted(
          p.pending,
          byString((u) => `${u.name}\u0000${u.availableVersion ?? ''}`),
        ),
        hotfixes: sorted(
          p.hotfixes,
          byString((h) => h.id),
        ),
      } as T;
    }
    case 'users': {
      const u = data as Users;
      return {
        ...u,
        // Absent stays absent: normalising must never fill in what no source reported.
        loggedIn: sorted(
          u.loggedIn,
          byString((s) => `${s.user}\u0000${s.terminal ?? ''}\u0000${s.since ?? ''}`),
        ),
      } as T;
    }
    case 'os':
      return data;
  }
}

/** SHA-256 (hex) of a section's data in canonical form: equal hashes mean "unchanged". */
export function sectionHash(name: SectionName, data: unknown): string {
  return createHash('sha256')
    .update(canonicalJson(normalizeSectionData(name, data)))
    .digest('hex');
}
