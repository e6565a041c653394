/**
 * The commands that run the agent as a service or manage it: `run`, `status` and `service`.
 * The single-executable build bundles this module on its own (see load-service-commands.ts):
 * the config schema (TypeBox), the websocket client, the scheduler and the service installers
 * stay out of what `inventory` and `once` load. So does the HTTP transport for a CA bundle or a
 * proxy (undici, three quarters of the main bundle's code when it was there, and 6 MB of every
 * `inventory`'s peak memory): `once` loads it from here when it needs one (client.ts).
 */

export { runCommand } from './commands/run.ts';
export { serviceCommand } from './commands/service.ts';
export { statusCommand } from './commands/status.ts';
export { createHttpTransport } from './network/http-transport.ts';

export type ServiceCommands = typeof import('./service-commands.ts');
