/**
 * Step 1 proposes what it can: the directory from the project name (`./NAME`, where the wizard
 * was started) while the user has not typed a directory of their own. A directory the user typed,
 * or one given on the command line (`dudforge new DIR`), is never replaced.
 */
import type { WizardState } from './state.js';
import { stepFields } from './form.js';
import { textField, type TextEdit } from './text-field.js';

/** The directory proposed for a project name ('' for no name). */
export function proposedDir(name: string): string {
  const word = name.trim().replace(/[\s/\\]+/g, '-');
  return word && word !== '.' && word !== '..' ? `./${word}` : '';
}

/**
 * After an edit on step 1: the directory follows the name while it is empty or still the
 * proposal; text typed into a directory that is still the proposal replaces it (as a selected
 * default would be), so typing a directory of one's own needs no clearing first.
 */
export function proposeDir(before: WizardState, after: WizardState, edit: TextEdit): WizardState {
  if (after.step !== 'project') return after;
  const beforeDir = before.fields['project.dir'].value;
  const typedIntoProposal = stepFields(before)[before.focus] === 'project.dir' && edit.type === 'insert' && beforeDir !== '' && beforeDir === proposedDir(before.fields['project.name'].value);
  if (typedIntoProposal) return { ...after, fields: { ...after.fields, 'project.dir': textField(edit.text) } };
  const name = after.fields['project.name'].value;
  if (name === before.fields['project.name'].value) return after;
  const dir = after.fields['project.dir'].value;
  if (dir !== '' && dir !== proposedDir(before.fields['project.name'].value)) return after;
  return { ...after, fields: { ...after.fields, 'project.dir': textField(proposedDir(name)) } };
}
