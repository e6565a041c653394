import type { SectionName } from './contract.ts';

/** What a section's data is at its top level: an array, or an object with these members required. */
export type SectionShape = { type: 'array' } | { type: 'object'; required: readonly string[] };

/**
 * The top level of each section schema, without TypeBox, for an agent that checks what merging
 * several collectors' parts can leave out. section-shapes.test.ts keeps it equal to the schemas.
 */
export const SECTION_SHAPES: { readonly [K in SectionName]: SectionShape } = {
  hardware: { type: 'object', required: ['system'] },
  os: { type: 'object', required: ['family', 'name', 'hostname'] },
  software: { type: 'array' },
  patches: { type: 'object', required: [] },
  users: { type: 'object', required: ['loggedIn'] },
};
