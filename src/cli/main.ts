#!/usr/bin/env node
/**
 * The command line: parses argv, dispatches to a subcommand, and is the one place that turns
 * errors into messages and exit codes (2 for bad input, 1 for failed builds).
 */
// First: NO_COLOR must reach chalk before any screen loads it.
import '../wizard/no-color.js';
import { parseArgs } from 'node:util';
import { formatUserError, isUserError, UserError } from '../errors.js';
import { environmentError } from '../fs-errors.js';
import { normalizeArgs } from './args.js';
import { packageVersion } from '../paths.js';
import type { Command } from './command.js';
import { loadCommand, loadCommands } from './commands/index.js';

function globalHelp(commands: Command[]): string {
  return `dudforge ${packageVersion} — kernel driver sources to kmod RPMs and Red Hat driver update disks

usage: dudforge [COMMAND] [OPTIONS]

With no command and a terminal, dudforge opens the interactive wizard.

commands:
${commands.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`).join('\n')}

Run \`dudforge COMMAND --help\` for a command's options.`;
}

function commandHelp(c: Command): string {
  // `new` has its own --version (the package's); there only -V shows dudforge's.
  const version = c.options.version ? '  -V               show the version of dudforge' : '  -V, --version    show the version';
  return `usage: dudforge ${c.usage}\n\n${c.summary}\n\noptions:\n${c.help}\n  -h, --help       show this help\n${version}`;
}

export async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '--version' || first === '-V') {
    process.stdout.write(`${packageVersion}\n`);
    return 0;
  }
  if (first === '--help' || first === '-h' || first === 'help') {
    process.stdout.write(`${globalHelp(await loadCommands())}\n`);
    return 0;
  }
  const name = first === undefined || first.startsWith('-') ? 'wizard' : first;
  const command = await loadCommand(name);
  if (!command) {
    throw new UserError(`unknown command "${name}"`, `run \`dudforge --help\` for the list of commands`);
  }
  const args = first === undefined || first.startsWith('-') ? argv : rest;
  const { args: normalized, help, version } = normalizeArgs(args, command.options);
  if (help) {
    process.stdout.write(`${commandHelp(command)}\n`);
    return 0;
  }
  if (version) {
    process.stdout.write(`${packageVersion}\n`);
    return 0;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: normalized, options: command.options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UserError(`${name}: ${(err as Error).message}`, `run \`dudforge ${name} --help\``);
  }
  if (parsed.positionals.length > command.maxPositionals) {
    throw new UserError(`${name}: unexpected argument "${parsed.positionals[command.maxPositionals]}"`, `run \`dudforge ${name} --help\``);
  }
  return command.run(parsed as Parameters<Command['run']>[0]);
}

async function entry(): Promise<void> {
  try {
    process.exitCode = await main(process.argv.slice(2));
  } catch (err) {
    // The user's environment (a read-only directory, a full disk) is not a bug, even where no
    // check caught it first: say which path and what to do.
    const user = isUserError(err) ? err : environmentError(err);
    if (user) {
      process.stderr.write(`${formatUserError(user)}\n`);
      process.exitCode = user.exitCode;
    } else {
      process.stderr.write(`dudforge: internal error (a bug — please report it):\n${(err as Error).stack ?? err}\n`);
      process.exitCode = 70;
    }
  }
}

await entry();
