import { cpSync, existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { saveAnswers } from '../../answers/io.js';
import { createAnswers } from '../../answers/create.js';
import { assetsDir } from '../../paths.js';
import type { Command } from '../command.js';
import { boolOption, listOption, stringOption } from '../command.js';
import { runBuildFromCli } from '../run-build.js';
import { parseJobs } from './build.js';

export const SAMPLE_DRIVER_DIR = join(assetsDir, 'sample-driver');
/** Fixed so that every demo of one dudforge version gives the same bytes. */
export const DEMO_BUILD_TIME = 1767225600; // 2026-01-01T00:00:00Z

export const demoCommand: Command = {
  name: 'demo',
  summary: 'build the bundled sample driver for every usable kernel into RPMs and a driver disk',
  usage: 'demo [--out DIR] [--kernel RELEASE]... [--kernel-dir DIR]... [--jobs N] [--json] [--plain]',
  help: [
    '  --out DIR           demo project directory (default: ./dudforge-demo); artifacts in DIR/out',
    '  --kernel RELEASE    build only for this kernel (repeatable; default: every usable one)',
    '  --kernel-dir DIR    also look for build trees here (repeatable)',
    '  --jobs N            compile jobs shared by all kernels (default: the CPU count)',
    '  --json              print the result as JSON on stdout',
    '  --plain             plain progress lines even on a terminal',
  ].join('\n'),
  options: {
    out: { type: 'string' },
    kernel: { type: 'string', multiple: true },
    'kernel-dir': { type: 'string', multiple: true },
    jobs: { type: 'string', short: 'j' },
    json: { type: 'boolean' },
    plain: { type: 'boolean' },
  },
  maxPositionals: 0,
  async run({ values }) {
    const jobs = parseJobs(stringOption(values, 'jobs'));
    const projectDir = resolve(stringOption(values, 'out') ?? 'dudforge-demo');
    // The sample is copied into the project so the user can read and change it.
    const driverCopy = join(projectDir, 'sample-driver');
    const answers = await createAnswers({
      projectDir,
      source: { kind: 'dir', path: SAMPLE_DRIVER_DIR },
      kernels: listOption(values, 'kernel'),
      kernelDirs: listOption(values, 'kernel-dir'),
      vendor: 'dudforge sample vendor',
      probes: existsSync(join(SAMPLE_DRIVER_DIR, 'dudforge.probes')) ? join(SAMPLE_DRIVER_DIR, 'dudforge.probes') : undefined,
      buildTime: DEMO_BUILD_TIME,
    });
    if (existsSync(driverCopy)) rmSync(driverCopy, { recursive: true, force: true });
    cpSync(SAMPLE_DRIVER_DIR, driverCopy, { recursive: true });
    answers.source = { kind: 'dir', path: 'sample-driver' };
    if (answers.probes) answers.probes = 'sample-driver/dudforge.probes';
    saveAnswers(projectDir, answers);
    return runBuildFromCli({ answers, projectDir, jobs, json: boolOption(values, 'json'), plain: boolOption(values, 'plain') });
  },
};
