import { UserError } from '../errors.js';

/**
 * The installer's dd_list prints NAME, VERSION and DESCRIPTION of each accepted RPM and splits
 * that output on lines that are exactly `---`: such a line in a description breaks the disk.
 * We refuse a line that is `---` once surrounding blanks are ignored (stricter on purpose).
 */
export function checkDescription(description: string, field = 'package.description'): void {
  const lines = description.split(/\r?\n/);
  const bad = lines.findIndex((l) => l.trim() === '---');
  if (bad >= 0) {
    throw new UserError(
      `${field} has a line "---" (line ${bad + 1}); the Red Hat installer splits its package list on such lines`,
      'remove that line or write it differently, e.g. "- - -"',
    );
  }
  if (description.trim() === '') throw new UserError(`${field} is empty`, 'write a one-paragraph description of the driver');
}
