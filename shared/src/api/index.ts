/**
 * The sysadmin API contract: the vocabulary and, per resource, the TypeBox schemas the
 * collector's routes validate with and the CLI and console read with.
 */
export * from './vocabulary.ts';
