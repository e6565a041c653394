import pkg from '../../package.json' with { type: 'json' };

/** The command line ships with the collector and carries its version. */
export const CLI_VERSION: string = pkg.version;
