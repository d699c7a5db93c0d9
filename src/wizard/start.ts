/**
 * Where an interactive session begins (`dudforge`, `new DIR`, `resume NAME`), and the saved
 * projects it can resume. The session itself (Ink) is screens/run-wizard.ts.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { answersPath } from '../answers/io.js';
import type { Answers } from '../answers/schema.js';
import { UserError } from '../errors.js';
import { ProjectStore, type ProjectEntry } from '../projects/registry.js';
import type { WizardDeps } from './deps.js';
import { stepNumber } from './steps.js';

export interface RunWizardOptions {
  /** `dudforge new DIR`: the project directory of a new project (the wizard starts at step 1). */
  startDir?: string;
  /** `dudforge resume [NAME|DIR]`: a saved project's name or directory ('' = the most recent). */
  resume?: string;
  /** Answers given as flags to `dudforge new` pre-fill their steps. */
  prefill?: Partial<Answers>;
  /** The conf store's directory (tests); default: the user's config directory. */
  confCwd?: string;
  /** Where relative paths typed into the wizard resolve; default: the current directory. */
  baseDir?: string;
  /** Replace parts of the engine (tests). */
  deps?: Partial<WizardDeps>;
}

/** Where the wizard begins: the start screen, a new project, or a saved one. */
export type AppStart =
  | { screen: 'start' }
  | { screen: 'new'; projectDir?: string; prefill?: Partial<Answers> }
  | { screen: 'resume'; projectDir: string };

export function requireTerminal(): void {
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    throw new UserError(
      'the wizard needs a terminal (stdin and stdout must be a TTY)',
      'run `dudforge build [PROJECT_DIR]` to build saved answers, or `dudforge new DIR --yes …` to create them without prompts',
    );
  }
}

/** Where the wizard begins for these options (resolving `resume` through the project store). */
export function wizardStart(opts: RunWizardOptions): AppStart {
  if (opts.resume !== undefined) {
    const project = findProject(opts.resume, { confCwd: opts.confCwd });
    if (!project) {
      throw new UserError(
        opts.resume ? `no saved project named or at "${opts.resume}"` : 'there is no saved project to resume',
        'list them with `dudforge projects`, or start one with `dudforge new DIR`',
      );
    }
    if (project.missing) {
      throw new UserError(`project "${project.name}": ${project.dir} no longer holds a dudforge.json`, 'run `dudforge` and choose it on the start screen to forget it, or put the directory back');
    }
    return { screen: 'resume', projectDir: project.dir };
  }
  if (opts.startDir !== undefined || opts.prefill) return { screen: 'new', projectDir: opts.startDir ? resolve(opts.startDir) : undefined, prefill: opts.prefill };
  return { screen: 'start' };
}

/** Saved projects, most recent first. Throws for a bad store. */
export function listProjects(opts: { confCwd?: string } = {}): ProjectEntry[] {
  return new ProjectStore({ cwd: opts.confCwd }).list();
}

/**
 * A saved project by name (exact, then unique prefix) or directory; '' gives the most recent.
 * A directory holding a dudforge.json that the store does not know is found too.
 */
export function findProject(nameOrDir: string, opts: { confCwd?: string } = {}): ProjectEntry | undefined {
  const store = new ProjectStore({ cwd: opts.confCwd });
  if (nameOrDir === '') return store.list()[0];
  const found = store.find(nameOrDir);
  if (found) return found;
  const dir = resolve(nameOrDir);
  if (existsSync(answersPath(dir))) return { name: nameOrDir, dir, step: stepNumber('project'), updatedAt: new Date(0).toISOString() };
  return undefined;
}

export type { ProjectEntry } from '../projects/registry.js';
