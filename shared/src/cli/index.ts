/**
 * `@stocktake/shared/cli`: the convention every Stocktake command line follows (stocktake,
 * stocktake-collector, stocktake-agent): node:util parseArgs behind one helper, usage errors in
 * one format with exit code 64, and "did you mean" on mistyped commands and options. Node
 * built-ins only: the agent loads it on every run.
 */
export {
  type OptionsConfig,
  type ParsedCommandLine,
  parseCommandLine,
  unknownCommand,
  unknownSubcommand,
} from './parse-command-line.ts';
export { closestWord, didYouMean, editDistance } from './suggest.ts';
export { EX_USAGE, formatUsageError, UsageError, type UsageHint, usageErrorLines } from './usage-error.ts';
