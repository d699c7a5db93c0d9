/**
 * The shape of a subcommand: its options for node:util's parseArgs, a usage text, and `run`,
 * which returns the exit code. `main.ts` owns parsing, --help/--version and error display.
 */
import type { ParseArgsConfig } from 'node:util';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface ParsedCommandArgs {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
}

export interface Command {
  name: string;
  summary: string;
  /** Usage lines shown by --help (after "usage: dudforge "). */
  usage: string;
  /** Lines describing each option for --help. */
  help: string;
  options: OptionSpec;
  /** Upper bound on positional arguments. */
  maxPositionals: number;
  run(args: ParsedCommandArgs): Promise<number>;
}

export function stringOption(values: ParsedCommandArgs['values'], name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

export function listOption(values: ParsedCommandArgs['values'], name: string): string[] {
  const v = values[name];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : [];
}

export function boolOption(values: ParsedCommandArgs['values'], name: string): boolean {
  return values[name] === true;
}
