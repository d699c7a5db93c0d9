import { UserError } from '../errors.js';

/**
 * rpm reads a spec line whose first non-blank character is `%` as a directive — `%if`,
 * `%include`, or a new section such as `%pre -n kmod-NAME` (case-insensitive, and after `%%`
 * has become `%`, so escaping cannot help) — and drops a line starting with `#` as a comment.
 * Such a line in a multi-line field (description, changelog) could never come through as text,
 * and the first kind adds scriptlets to the package `rpmbuild --rebuild` makes: refused.
 * The problem, or undefined when every line is plain text.
 */
export function specLineProblem(text: string): string | undefined {
  const lines = text.split('\n');
  const bad = lines.findIndex((l) => /^\s*[%#]/.test(l));
  if (bad < 0) return undefined;
  const ch = lines[bad].trimStart()[0];
  return (
    `line ${bad + 1} starts with "${ch}", which rpm's spec reader takes for ` +
    (ch === '%' ? 'a directive or a new section (e.g. a %pre scriptlet)' : 'a comment and drops') +
    '; start the line with another character'
  );
}

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
  const spec = specLineProblem(description.trim());
  if (spec) throw new UserError(`${field}: ${spec}`, 'e.g. indent it with a word, or write "percent" instead of "%"');
}
