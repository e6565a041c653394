import { describe, expect, it } from 'vitest';
import { HardwareSchema } from './hardware.ts';
import { OsSchema } from './os.ts';
import { PatchStateSchema } from './patches.ts';
import { SECTION_SHAPES } from './section-shapes.ts';
import { SECTION_NAMES } from './snapshot.ts';
import { SoftwareSchema } from './software.ts';
import { UsersSchema } from './users.ts';

const SCHEMAS = {
  hardware: HardwareSchema,
  os: OsSchema,
  software: SoftwareSchema,
  patches: PatchStateSchema,
  users: UsersSchema,
};

describe('SECTION_SHAPES', () => {
  it.each(SECTION_NAMES)('matches the top level of the %s schema', (name) => {
    const schema = SCHEMAS[name] as { type: string; required?: readonly string[] };
    const expected =
      schema.type === 'array' ? { type: 'array' } : { type: schema.type, required: [...(schema.required ?? [])] };
    expect(SECTION_SHAPES[name]).toEqual(expected);
  });
});
