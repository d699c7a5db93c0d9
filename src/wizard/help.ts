/**
 * The help overlay's text (what each screen is for, and its keys) and when `?` opens it. `?` is
 * a character people type (a summary, a filter), so in a text field it types; F1 opens help
 * everywhere. Pure: screens/HelpOverlay.tsx draws it.
 */
import { isChoice, stepFields } from './form.js';
import type { KeyInfo } from './keys.js';
import type { WizardState } from './state.js';
import { stepNumber, type StepId } from './steps.js';
import { focusedExtrasRow } from './module-steps.js';

export type HelpScreen = StepId | 'start';

export interface Help {
  purpose: string;
  keys: [string, string][];
}

const FORM_KEYS: [string, string][] = [
  ['↑/↓ Tab Shift-Tab', 'move between fields'],
  ['Tab in a path field', 'complete the path; again to list the matches'],
  ['←/→ Home/End', 'move in the text; Ctrl-U clears it, Ctrl-W erases a word'],
  ['Enter', 'check this step and go on'],
  ['Esc', 'back one step (nothing typed is lost)'],
];

const HELP: Record<HelpScreen, Help> = {
  start: {
    purpose: 'Open a saved project, start a new one, or try the bundled sample driver. Projects are listed most recent first.',
    keys: [['↑/↓', 'move'], ['Enter', 'open'], ['q Esc', 'quit']],
  },
  project: {
    purpose: 'Name the project and choose its directory: dudforge.json (the answers) and out/ (the RPMs and the driver disk) go there. Vendor, author and e-mail go into the RPMs and are remembered for next time.',
    keys: FORM_KEYS,
  },
  source: {
    purpose: 'Where the driver sources are: a directory (an out-of-tree module or a kernel source tree), a tarball, or a kernel git repository at a revision.',
    keys: [['←/→ space', 'choose the kind of source'], ...FORM_KEYS],
  },
  driverDirs: {
    purpose: 'Choose the directories that hold the driver (each with a Makefile or Kbuild). A standalone module is its own top directory.',
    keys: [['↑/↓', 'move'], ['→/←', 'expand/collapse'], ['space', 'select'], ['typing', 'filters the list'], ['Enter', 'go on'], ['Esc', 'back']],
  },
  modules: {
    purpose: 'The modules the chosen directories build: untick the ones not to package. Under each, per target kernel: a module its config disables (and the --config that builds it), or one the kernel already ships (the disk replaces it: its copy wins).',
    keys: [['↑/↓', 'move'], ['space', 'choose'], ['a', 'all or none'], ['Enter', 'go on'], ['Esc', 'back']],
  },
  extras: {
    purpose: 'Firmware the modules declare (MODULE_FIRMWARE), found or missing, and files shipped beside the modules: modprobe.d options, modules loaded at boot, a blacklist of other drivers, udev rules.',
    keys: [['↑/↓', 'move'], ['space', 'toggle'], ['typing', 'into the focused field'], ['Tab in a path field', 'complete the path'], ['Enter', 'check this step and go on'], ['Esc', 'back']],
  },
  package: {
    purpose: "The kmod RPM's name, version, release, license and text. Read from the driver's MODULE_* macros where it has them.",
    keys: FORM_KEYS,
  },
  kernels: {
    purpose: 'The kernels to build for: one kmod RPM per kernel release. Build trees found on this machine are listed; add another by its path.',
    keys: [['↑/↓', 'move'], ['space', 'select'], ['Enter on "+ Add…"', 'type a build tree path'], ['Enter', 'go on'], ['Esc', 'back']],
  },
  signing: {
    purpose: 'Sign the modules for Secure Boot: no signing, an existing key and certificate, or a new pair generated into a directory.',
    keys: [['←/→ space', 'choose how to sign'], ...FORM_KEYS],
  },
  review: {
    purpose: 'Every answer on one screen, where the output goes, and the command that replays these answers without the wizard.',
    keys: [['Enter', 'build'], [`1–${stepNumber('review') - 1}`, 'edit that step; Enter there comes back here'], ['↑/↓ PgUp/PgDn Home/End', 'scroll'], ['Esc', 'back one step']],
  },
  build: {
    purpose: 'The build: one row per kernel, then the RPMs, the driver disk and its verification.',
    keys: [['↑/↓', 'choose a kernel'], ['l', 'show its log'], ['q Esc Ctrl-C', 'cancel (asks first)']],
  },
  done: {
    purpose: 'What was written, whether the disk verified, and how to use it.',
    keys: [['↑/↓ PgUp/PgDn Home/End', 'scroll'], ['Enter q', 'quit'], ['Esc', 'back to Review']],
  },
};

export function helpFor(screen: HelpScreen): Help {
  return HELP[screen];
}

/** Keys typed now go into a text field (so `?` is a character, not a request for help). */
export function typingText(state: WizardState): boolean {
  if (state.existing) return false;
  switch (state.step) {
    case 'driverDirs':
      return true; // typing filters the list
    case 'kernels':
      return state.addingKernel;
    case 'extras':
      return focusedExtrasRow(state)?.kind === 'field';
    case 'modules':
    case 'review':
    case 'build':
    case 'done':
      return false;
    default: {
      const field = stepFields(state)[state.focus];
      return field !== undefined && !isChoice(field);
    }
  }
}

/** F1 always; `?` when it would not be typed into a field (`typing`). */
export function opensHelp(input: string, key: KeyInfo, typing: boolean): boolean {
  return !!key.f1 || (input === '?' && !typing && !key.ctrl && !key.meta);
}

/** Esc, `?` or F1 close the overlay. */
export function closesHelp(input: string, key: KeyInfo): boolean {
  return !!key.escape || !!key.f1 || input === '?';
}

/** The help key the hints name: `?` where it works, F1 in a text field. */
export function helpKeyLabel(typing: boolean): string {
  return typing ? 'F1 help' : '? help';
}
