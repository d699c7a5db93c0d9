/**
 * The interactive session (`dudforge`, `dudforge new DIR`, `dudforge resume`): renders the
 * wizard's root with Ink and resolves with the exit code. The command line loads this module
 * only through src/cli/load-face.ts.
 */
import { render } from 'ink';
import { createElement } from 'react';
import { defaultDeps, killAllBuilds, removeSkeletons, requireTerminal, sourceDateEpoch, wizardStart, type RunWizardOptions } from '../src/wizard/index.js';
import { WizardApp } from './App.js';

export type { RunWizardOptions } from '../src/wizard/index.js';

/** Runs the interactive wizard; resolves with the exit code. Refuses to start without a TTY. */
export async function runWizard(opts: RunWizardOptions = {}): Promise<number> {
  requireTerminal();
  // A SOURCE_DATE_EPOCH RPM cannot store is refused here, before the screens draw (a new project records it).
  sourceDateEpoch();
  const start = wizardStart(opts);
  const deps = { ...defaultDeps({ confCwd: opts.confCwd }), ...opts.deps };
  let code = 0;
  let note: string | undefined;
  const onExit = (c: number, n?: string) => {
    code = c;
    note = n;
  };
  const instance = render(createElement(WizardApp, { deps, start, baseDir: opts.baseDir ?? process.cwd(), onExit }), {
    exitOnCtrlC: false,
  });
  // Browsing skeletons of tarballs and git revisions go with the session, however it ends; a
  // hang-up or TERM also stops the builds the wizard started (each make leads its own process
  // group, which the default signal action would leave running) and gives the terminal back.
  process.once('exit', removeSkeletons);
  const onSignal = (signal: NodeJS.Signals) => {
    void killAllBuilds().finally(() => {
      instance.unmount();
      removeSkeletons();
      process.exit(signal === 'SIGHUP' ? 129 : 143);
    });
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGHUP', onSignal);
  try {
    await instance.waitUntilExit();
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
    removeSkeletons();
  }
  if (note) process.stdout.write(`${note}\n`);
  return code;
}
