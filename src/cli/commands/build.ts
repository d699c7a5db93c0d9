import { locateProject, loadAnswersFile } from '../../answers/io.js';
import { UserError } from '../../errors.js';
import type { Command } from '../command.js';
import { boolOption, listOption, stringOption } from '../command.js';
import { runBuildFromCli } from '../run-build.js';

export function parseJobs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[1-9]\d*$/.test(value)) throw new UserError(`--jobs ${value} is not a positive whole number`, 'for example --jobs 4');
  return Number(value);
}

export const buildCommand: Command = {
  name: 'build',
  summary: 'build kmod RPMs and the driver disk from saved answers (no questions asked)',
  usage: 'build [PROJECT_DIR] [--answers FILE] [--out DIR] [--jobs N] [--kernel RELEASE]... [--no-disk] [--allow-partial] [--wait] [--json] [--plain]',
  help: [
    '  PROJECT_DIR         the project directory (default: .); its dudforge.json is replayed',
    '  --answers FILE      replay this answers file instead of PROJECT_DIR/dudforge.json',
    '  --out DIR           output directory (default: the answers\' output.dir)',
    '  --jobs N            compile jobs shared by all kernels (default: the CPU count)',
    '  --kernel RELEASE    build only this kernel of the project (repeatable): one shard of a build',
    '                      spread over machines',
    '  --no-disk           write the RPMs only; `dudforge disk` makes the disk from the shards',
    '  --allow-partial     write the disk even if some kernels failed (out/ then holds PARTIAL-BUILD.txt)',
    '  --wait              if another build of this project is running, wait for it (default: exit 2)',
    '  --json              print the result as JSON on stdout',
    '  --plain             plain progress lines even on a terminal',
  ].join('\n'),
  options: {
    answers: { type: 'string' },
    out: { type: 'string' },
    jobs: { type: 'string', short: 'j' },
    kernel: { type: 'string', multiple: true },
    'no-disk': { type: 'boolean' },
    'allow-partial': { type: 'boolean' },
    wait: { type: 'boolean' },
    json: { type: 'boolean' },
    plain: { type: 'boolean' },
  },
  maxPositionals: 1,
  async run({ values, positionals }) {
    const jobs = parseJobs(stringOption(values, 'jobs'));
    const { projectDir, answersFile } = locateProject(positionals[0], stringOption(values, 'answers'));
    const answers = loadAnswersFile(answersFile);
    return runBuildFromCli({
      answers,
      projectDir,
      outDir: stringOption(values, 'out'),
      jobs,
      allowPartial: boolOption(values, 'allow-partial') || undefined,
      kernels: listOption(values, 'kernel'),
      noDisk: boolOption(values, 'no-disk'),
      json: boolOption(values, 'json'),
      plain: boolOption(values, 'plain'),
      wait: boolOption(values, 'wait'),
    });
  },
};
