/**
 * Installing a Stocktake program as an OS service, whichever program: plans as data (steps),
 * one executor that applies them (under a staging root in tests), the manifest uninstall reads
 * back, and the runner of service-manager commands. The agent and the collector each bring
 * their own layout and unit; this is what they share.
 */
export {
  type CommandResult,
  type ExecuteOptions,
  executePlan,
  hostPathFor,
  type ServiceRunner,
  ServiceStepError,
} from './execute.ts';
export { type InstallManifest, type ManifestStamp, parseManifest, renderManifest } from './manifest.ts';
export { isServicePlatform, pathsFor, SERVICE_PLATFORMS, type ServicePlatform } from './platform.ts';
export { runServiceCommand, stagingRunner } from './runner.ts';
export type { Step } from './steps.ts';
export { systemdQuote } from './systemd.ts';
