import {
  createValidator,
  HardwareSchema,
  OsSchema,
  PatchStateSchema,
  type SectionName,
  SoftwareSchema,
  UsersSchema,
  type Validation,
} from '@stocktake/shared';

const validators: Record<SectionName, (value: unknown) => Validation<unknown>> = {
  hardware: createValidator(HardwareSchema),
  os: createValidator(OsSchema),
  software: createValidator(SoftwareSchema),
  patches: createValidator(PatchStateSchema),
  users: createValidator(UsersSchema),
};

/** Checks one section's merged data against the shared contract before it is sent. */
export function validateSection(name: SectionName, data: unknown): Validation<unknown> {
  return validators[name](data);
}
