import type { Command } from '../command.js';
import { boolOption } from '../command.js';
import { UserError } from '../../errors.js';
import { loadWizard } from '../load-face.js';

export const projectsCommand: Command = {
  name: 'projects',
  summary: 'list saved wizard projects, most recent first',
  usage: 'projects [--json]',
  help: '  --json              machine-readable output',
  options: { json: { type: 'boolean' } },
  maxPositionals: 0,
  async run({ values }) {
    // Straight from the store: the wizard's entry module pulls in Ink, React and every screen
    // (most of this command's start-up time) only to list a file.
    const { ProjectStore, lastResultLabel } = await import('../../projects/registry.js');
    const { stepHeader } = await import('../../wizard/steps.js');
    const store = new ProjectStore();
    const projects = store.list();
    const skipped = store.skipped();
    if (skipped.length) {
      process.stderr.write(`warning: ${store.path}: skipped ${skipped.length} entr${skipped.length === 1 ? 'y' : 'ies'} that ${skipped.length === 1 ? 'is' : 'are'} not a project (${skipped.map((k) => JSON.stringify(k.slice(0, 60))).join(', ')}); fix or remove ${skipped.length === 1 ? 'it' : 'them'} by hand\n`);
    }
    if (boolOption(values, 'json')) {
      process.stdout.write(`${JSON.stringify(projects, null, 2)}\n`);
      return 0;
    }
    if (!projects.length) {
      process.stdout.write('no saved projects yet: start one with `dudforge new DIR`\n');
      return 0;
    }
    for (const p of projects) {
      const where = p.missing ? `${p.dir}  (missing: no dudforge.json there any more; forget it from the start screen)` : p.dir;
      process.stdout.write(`${p.name.padEnd(24)} ${stepHeader(p.step).padEnd(22)} ${(lastResultLabel(p.lastResult) ?? '').padEnd(12)} ${p.updatedAt}  ${where}\n`);
    }
    return 0;
  },
};

export const resumeCommand: Command = {
  name: 'resume',
  summary: 'return to a saved project in the wizard at the step where it was left',
  usage: 'resume [NAME|DIR]',
  help: '  NAME|DIR            the project (default: the most recent one)',
  options: {},
  maxPositionals: 1,
  async run({ positionals }) {
    const { runWizard } = await loadWizard();
    return runWizard({ resume: positionals[0] ?? '' });
  },
};

export const wizardCommand: Command = {
  name: 'wizard',
  summary: 'the interactive wizard (the default with no command)',
  usage: 'wizard',
  help: '  (no options)',
  options: {},
  maxPositionals: 0,
  async run() {
    if (!process.stdin.isTTY || !process.stdout.isTTY) {
      throw new UserError('the wizard needs a terminal', 'use `dudforge build [PROJECT_DIR]` to build saved answers, or `dudforge new DIR --yes …` to create them');
    }
    const { runWizard } = await loadWizard();
    return runWizard({});
  },
};
