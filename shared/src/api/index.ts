/**
 * The sysadmin API contract: the vocabulary and, per resource, the TypeBox schemas the
 * collector's routes validate with and the CLI and console read with, each with its examples.
 */
/** Every refusal's body (RFC 9457), as agents get it too. */
export type { Problem } from '../agent-api.ts';
export * from './agent.ts';
export * from './agents.ts';
export * from './assets.ts';
export * from './audit.ts';
export * from './common.ts';
export * from './conflicts.ts';
export * from './devices.ts';
export * from './enroll-secrets.ts';
export * from './enums.ts';
export * from './examples.ts';
export * from './findings.ts';
export * from './health.ts';
export * from './imports.ts';
export * from './licenses.ts';
export * from './list-queries.ts';
export * from './overview.ts';
export * from './policies.ts';
export * from './reconciliations.ts';
export * from './reports.ts';
export * from './software.ts';
export * from './tokens.ts';
export * from './usage.ts';
export * from './users.ts';
export * from './vocabulary.ts';
