/**
 * Tab in a path field completes the path (path-complete.ts); Tab elsewhere, or in an empty path
 * field, still moves to the next field. When Tab adds nothing, the matches are listed on a line
 * under the field (`state.completions`) until the next key.
 */
import { stepFields } from './form.js';
import { focusedExtrasRow } from './module-steps.js';
import { completePath, listDir, type ListDir } from './path-complete.js';
import type { TextFieldKey, WizardState } from './state.js';
import { textField } from './text-field.js';

/** The fields that hold a path, and whether only directories fit them. */
const PATH_FIELDS: Partial<Record<TextFieldKey, { dirsOnly: boolean }>> = {
  'project.dir': { dirsOnly: true },
  'source.path': { dirsOnly: true },
  'source.file': { dirsOnly: false },
  'signing.key': { dirsOnly: false },
  'signing.cert': { dirsOnly: false },
  'signing.dir': { dirsOnly: true },
  'kernels.add': { dirsOnly: true },
  'extras.firmwareTree': { dirsOnly: true },
  'extras.udevRules': { dirsOnly: false },
};

/** The Extras step's rows are not a form's fields: its focused row, when that is a text field. */
function extrasField(state: WizardState): TextFieldKey | undefined {
  const row = focusedExtrasRow(state);
  return row?.kind === 'field' ? row.key : undefined;
}

/** The focused field when it holds a path. */
export function focusedPathField(state: WizardState): TextFieldKey | undefined {
  if (state.existing) return undefined;
  const field =
    state.step === 'kernels' ? (state.addingKernel ? 'kernels.add' : undefined)
    : state.step === 'extras' ? extrasField(state)
    : stepFields(state)[state.focus];
  return field && field in PATH_FIELDS ? (field as TextFieldKey) : undefined;
}

/** Tab completes here (a path field with something typed in it). */
export function tabCompletes(state: WizardState): boolean {
  const field = focusedPathField(state);
  return !!field && state.fields[field].value.trim() !== '';
}

export function completeField(state: WizardState, list: ListDir = listDir): WizardState {
  const field = focusedPathField(state);
  if (!field) return state;
  const typed = state.fields[field].value;
  const c = completePath(typed, state.baseDir, { dirsOnly: PATH_FIELDS[field]!.dirsOnly, list });
  if (c.value !== typed) return { ...state, error: undefined, completions: undefined, fields: { ...state.fields, [field]: textField(c.value) } };
  return { ...state, completions: c.candidates.length > 1 ? c.candidates : c.candidates.length ? undefined : [] };
}
