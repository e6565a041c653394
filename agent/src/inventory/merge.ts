import type { PatchState, SectionName } from '@stocktake/shared/core';
import type { CollectorOutput, SectionData } from '../collectors/types.ts';

/** Combines what several collectors of one section produced. */
export function mergeSection<S extends SectionName>(name: S, parts: CollectorOutput<S>[]): SectionData[S] {
  switch (name) {
    case 'software':
      return (parts as SectionData['software'][]).flat() as SectionData[S];
    case 'patches': {
      const out: PatchState = {};
      for (const p of parts as PatchState[]) {
        for (const [key, value] of Object.entries(p) as [keyof PatchState, PatchState[keyof PatchState]][]) {
          if (value === undefined) continue;
          const prev = out[key];
          if (typeof prev === 'number' && typeof value === 'number')
            (out as Record<string, unknown>)[key] = prev + value;
          else if (Array.isArray(prev) && Array.isArray(value))
            (out as Record<string, unknown>)[key] = [...prev, ...value];
          else if (prev === undefined) (out as Record<string, unknown>)[key] = value;
        }
      }
      return out as SectionData[S];
    }
    default:
      // Single-record sections: later collectors only fill what earlier ones left empty.
      return Object.assign({}, ...[...parts].reverse()) as SectionData[S];
  }
}
