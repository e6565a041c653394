import pkg from '../package.json' with { type: 'json' };

/** The version of this package, released together with the collector (same number). */
export const CLI_VERSION: string = pkg.version;
