import { type FieldError, SECTION_NAMES, type SectionName, type Snapshot, sectionHash } from '@stocktake/shared';

/**
 * Recomputes every section's hash. A hash the agent sent that differs means agent and
 * collector disagree on canonical form or the body was altered: refuse rather than store a
 * snapshot whose "unchanged" answer would be wrong.
 */
export function computeSectionHashes(snapshot: Snapshot): {
  hashes: Partial<Record<SectionName, string>>;
  errors: FieldError[];
} {
  const hashes: Partial<Record<SectionName, string>> = {};
  const errors: FieldError[] = [];
  for (const name of SECTION_NAMES) {
    const section = snapshot.sections[name];
    if (section.data === undefined) continue;
    const hash = sectionHash(name, section.data);
    hashes[name] = hash;
    if (section.hash !== undefined && section.hash !== hash) {
      errors.push({ path: `/sections/${name}/hash`, message: `does not match the section data (expected ${hash})` });
    }
  }
  for (const name of SECTION_NAMES) {
    const section = snapshot.sections[name];
    if (section.status !== 'failed' && section.data === undefined) {
      errors.push({ path: `/sections/${name}/data`, message: `is required when status is ${section.status}` });
    }
  }
  return { hashes, errors };
}
