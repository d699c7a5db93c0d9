import { join } from 'node:path';
import { locateProject, loadAnswersFile, projectPath } from '../../answers/io.js';
import { UserError } from '../../errors.js';
import { formatProbeTable, probeRunToJson, runProbes } from '../../probes/index.js';
import { resolveKernels } from '../../pipeline/resolve.js';
import type { Command } from '../command.js';
import { boolOption, listOption, stringOption } from '../command.js';
import { parseJobs } from './build.js';

export const probeCommand: Command = {
  name: 'probe',
  summary: "run the project's compatibility probes and print the probe × kernel table",
  usage: 'probe [PROJECT_DIR] [--answers FILE] [--kernel RELEASE]... [--jobs N] [--json]',
  help: [
    '  PROJECT_DIR         the project directory (default: .)',
    '  --answers FILE      use this answers file instead of PROJECT_DIR/dudforge.json',
    "  --kernel RELEASE    only these of the project's kernels (repeatable)",
    '  --jobs N            compile jobs (default: the CPU count)',
    '  --json              print the results as JSON on stdout',
  ].join('\n'),
  options: { answers: { type: 'string' }, kernel: { type: 'string', multiple: true }, jobs: { type: 'string', short: 'j' }, json: { type: 'boolean' } },
  maxPositionals: 1,
  async run({ values, positionals }) {
    const jobs = parseJobs(stringOption(values, 'jobs'));
    const { projectDir, answersFile } = locateProject(positionals[0], stringOption(values, 'answers'));
    const answers = loadAnswersFile(answersFile);
    if (!answers.probes) throw new UserError(`${answersFile} names no probe file`, 'attach one with `dudforge new --yes --probes FILE …` or set "probes" in dudforge.json');
    const wanted = listOption(values, 'kernel');
    for (const w of wanted) {
      if (!answers.kernels.some((k) => k.release === w)) throw new UserError(`kernel ${w} is not one of the project's kernels`, `the project targets: ${answers.kernels.map((k) => k.release).join(', ')}`);
    }
    const kernels = resolveKernels({ ...answers, kernels: wanted.length ? answers.kernels.filter((k) => wanted.includes(k.release)) : answers.kernels }, projectDir);
    const controller = new AbortController();
    const stop = () => controller.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      const run = await runProbes({
        probes: projectPath(projectDir, answers.probes),
        kernels: kernels.map((k) => ({ release: k.release, buildTree: k.tree.path, identity: k.tree.identity, llvm: k.tree.llvm })),
        cacheDir: join(projectDir, '.dudforge', 'probe-cache'),
        jobs: jobs ?? (await import('node:os')).availableParallelism(),
        signal: controller.signal,
      });
      process.stdout.write(boolOption(values, 'json') ? `${JSON.stringify(probeRunToJson(run), null, 2)}\n` : `${formatProbeTable(run)}\n`);
      const broken = run.kernels.some((k) => k.results.some((r) => r.value === 'broken'));
      return broken ? 1 : 0;
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
  },
};
