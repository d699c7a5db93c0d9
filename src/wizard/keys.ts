/**
 * Keys to wizard actions, kept pure so the mapping is tested without a terminal. One key is
 * mapped against the state it arrives in: the app dispatches `{ type: 'key' }` and the reducer
 * maps it here, so in a burst (a paste, a fast typist, SSH) the text after a Tab or an arrow
 * lands in the field the Tab or arrow moved to. Input holding several keys is split first.
 */
import { isChoice, stepFields } from './form.js';
import type { WizardAction } from './reducer.js';
import type { WizardState } from './state.js';
import { splitKeys, type KeyInfo } from './key-stream.js';
import { focusedExtrasRow } from './module-steps.js';
import { jumpTarget } from './jump.js';
import { tabCompletes } from './complete-field.js';

export type { KeyInfo } from './key-stream.js';

/** Printable text: a space toggles in lists and choices, everything else is typed. */
function printable(text: string, state: WizardState): WizardAction[] {
  if (state.step === 'modules') return text === ' ' ? [{ type: 'toggle' }] : text === 'a' ? [{ type: 'toggle-all' }] : [];
  if (state.step === 'extras' && focusedExtrasRow(state)?.kind !== 'field') return text === ' ' ? [{ type: 'toggle' }] : [];
  const listStep = state.step === 'driverDirs' || (state.step === 'kernels' && !state.addingKernel);
  const field = stepFields(state)[state.focus];
  const onChoice = field !== undefined && isChoice(field);
  if (text === ' ' && (listStep || onChoice)) return [{ type: 'toggle' }];
  if (state.step === 'kernels' && !state.addingKernel) return [];
  if (onChoice) return [];
  return [{ type: 'text', edit: { type: 'insert', text } }];
}

/** Actions for one key event of the wizard steps and Done (the board has its own keys). */
export function keyToActions(input: string, key: KeyInfo, state: WizardState): WizardAction[] {
  if (state.step === 'build') return [];
  if (state.step === 'done') {
    if (key.return || input === 'q') return [{ type: 'submit' }];
    if (key.escape) return [{ type: 'back' }];
    return [];
  }
  if (key.escape) return [{ type: 'back' }];
  if (key.return) return [{ type: 'submit' }];
  if (key.tab && !key.shift && tabCompletes(state)) return [{ type: 'complete' }];
  if (key.upArrow || (key.tab && key.shift)) return [{ type: 'focus', delta: -1 }];
  if (key.downArrow || key.tab) return [{ type: 'focus', delta: 1 }];
  if (key.backspace || key.delete) return [{ type: 'text', edit: { type: 'erase' } }];
  if (key.home || (key.ctrl && input === 'a')) return [{ type: 'text', edit: { type: 'home' } }];
  if (key.end || (key.ctrl && input === 'e')) return [{ type: 'text', edit: { type: 'end' } }];
  if (key.ctrl && input === 'u') return [{ type: 'text', edit: { type: 'clear' } }];
  if (key.ctrl && input === 'w') return [{ type: 'text', edit: { type: 'erase-word' } }];
  if (key.leftArrow || key.rightArrow) {
    if (state.step === 'driverDirs') return [{ type: key.rightArrow ? 'expand' : 'collapse' }];
    return [{ type: 'text', edit: { type: key.rightArrow ? 'right' : 'left' } }];
  }
  if (key.ctrl || key.meta) return [];
  if (!input) return [];
  const jumpTo = state.step === 'review' ? jumpTarget(input) : undefined;
  if (jumpTo) return [{ type: 'jump', step: jumpTo }];
  // Several keys in one string (not from useKeys, which splits them): one key action each.
  const keys = input.length > 1 ? splitKeys(input) : [];
  if (keys.length > 1) return keys.map((k) => ({ type: 'key', input: k.input, key: k.key }));
  if (/[\u0000-\u001F\u007F]/.test(input)) return [];
  return printable(input, state);
}
