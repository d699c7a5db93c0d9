/**
 * Keys to wizard actions, kept pure so the mapping is tested without a terminal. Ink 6 may hand
 * a burst of keys over as one string (typing fast, or tmux send-keys): such a burst is split
 * into one action per character, so an Enter or a backspace inside it still acts as a key.
 */
import type { Key } from 'ink';
import { isChoice, stepFields } from './form.js';
import type { WizardAction } from './reducer.js';
import type { WizardState } from './state.js';
import { BUILD_STEP, DONE_STEP } from './steps.js';

export type KeyInfo = Partial<Pick<Key, 'upArrow' | 'downArrow' | 'leftArrow' | 'rightArrow' | 'return' | 'escape' | 'ctrl' | 'shift' | 'tab' | 'backspace' | 'delete' | 'home' | 'end' | 'meta'>>;

function burst(input: string, state: WizardState): WizardAction[] {
  const actions: WizardAction[] = [];
  let run = '';
  const flush = () => {
    if (run) actions.push(...printable(run, state));
    run = '';
  };
  for (const ch of input) {
    if (ch === '\r' || ch === '\n') {
      flush();
      actions.push({ type: 'submit' });
    } else if (ch === '\x7f' || ch === '\b') {
      flush();
      actions.push({ type: 'text', edit: { type: 'erase' } });
    } else if (ch >= ' ') run += ch;
  }
  flush();
  return actions;
}

/** Printable text: a space toggles in lists and choices, everything else is typed. */
function printable(text: string, state: WizardState): WizardAction[] {
  const listStep = state.step === 3 || (state.step === 5 && !state.addingKernel);
  const field = stepFields(state)[state.focus];
  const onChoice = field !== undefined && isChoice(field);
  if (text === ' ' && (listStep || onChoice)) return [{ type: 'toggle' }];
  if (state.step === 5 && !state.addingKernel) return [];
  if (onChoice) return [];
  return [{ type: 'text', edit: { type: 'insert', text } }];
}

/** Actions for one key event of the wizard steps 1–7 and 9 (the board has its own keys). */
export function keyToActions(input: string, key: KeyInfo, state: WizardState): WizardAction[] {
  if (state.step === BUILD_STEP) return [];
  if (state.step === DONE_STEP) {
    if (key.return || input === 'q') return [{ type: 'submit' }];
    if (key.escape) return [{ type: 'back' }];
    return [];
  }
  if (key.escape) return [{ type: 'back' }];
  if (key.return) return [{ type: 'submit' }];
  if (key.upArrow || (key.tab && key.shift)) return [{ type: 'focus', delta: -1 }];
  if (key.downArrow || key.tab) return [{ type: 'focus', delta: 1 }];
  if (key.backspace || key.delete) return [{ type: 'text', edit: { type: 'erase' } }];
  if (key.home || (key.ctrl && input === 'a')) return [{ type: 'text', edit: { type: 'home' } }];
  if (key.end || (key.ctrl && input === 'e')) return [{ type: 'text', edit: { type: 'end' } }];
  if (key.ctrl && input === 'u') return [{ type: 'text', edit: { type: 'clear' } }];
  if (key.ctrl && input === 'w') return [{ type: 'text', edit: { type: 'erase-word' } }];
  if (key.leftArrow || key.rightArrow) {
    if (state.step === 3) return [{ type: key.rightArrow ? 'expand' : 'collapse' }];
    return [{ type: 'text', edit: { type: key.rightArrow ? 'right' : 'left' } }];
  }
  if (key.ctrl || key.meta) return [];
  if (!input) return [];
  if (input.length > 1 && /[\r\n\x7f\b]/.test(input)) return burst(input, state);
  return printable(input, state);
}
