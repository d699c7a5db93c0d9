/**
 * Argument normalisation before node:util's parseArgs. parseArgs refuses a string option's value
 * that starts with '-' unless written `--opt=value`, and main.ts used to scan every argument for
 * --help/--version, so `new --version 3.0` printed dudforge's version and `--summary -h` printed
 * help. Here an argument is read as an option name only where a name is expected: the word after
 * a string option is its value whatever it looks like, and --help/--version (-h/-V) mean "show"
 * only when they are not a value and the command does not define an option of that name.
 */
import type { OptionSpec } from './command.js';

export interface NormalizedArgs {
  /** The arguments with every string option written `--name=value`. */
  args: string[];
  help: boolean;
  version: boolean;
}

export function normalizeArgs(args: string[], options: OptionSpec): NormalizedArgs {
  const out: string[] = [];
  let help = false;
  let version = false;
  const byShort = new Map(Object.entries(options).flatMap(([long, o]) => (o.short ? [[o.short, long] as const] : [])));
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') {
      out.push(...args.slice(i));
      break;
    }
    let long: string | undefined;
    if (/^--[^=]+$/.test(a)) long = a.slice(2);
    else if (/^-[^-]$/.test(a)) {
      long = byShort.get(a[1]);
      // -h and -V belong to dudforge unless the command gives the letter to one of its options.
      if (long === undefined && a === '-h') help = true;
      else if (long === undefined && a === '-V') version = true;
      else if (long === undefined) out.push(a);
      if (long === undefined) continue;
    } else {
      out.push(a);
      continue;
    }
    const spec = options[long];
    if (spec?.type === 'string' && i + 1 < args.length) {
      out.push(`--${long}=${args[i + 1]}`);
      i += 1;
    } else if (spec?.type === 'string' && long === 'version') {
      version = true; // `new --version` with nothing after it can only mean dudforge's
    } else if (!spec && long === 'help') {
      help = true;
    } else if (!spec && long === 'version') {
      version = true;
    } else {
      out.push(a);
    }
  }
  return { args: out, help, version };
}
