/**
 * Patch series applied to the imported copy (never to the source): a quilt `series` file or a
 * list from the answers, each patch with `-p1` unless the series says otherwise. Fuzz is off:
 * a patch that only applies by guessing would make two imports of "the same" inputs differ.
 */
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { UserError } from '../errors.js';

export interface PatchStep {
  /** Absolute path of the patch file. */
  file: string;
  /** How the user named it (series entry or list item), for messages. */
  name: string;
  strip: number;
}

/** Read a quilt series file: one patch per line, `#` comments, optional `-pN`. */
export function readSeries(seriesFile: string): PatchStep[] {
  let text: string;
  try {
    text = fs.readFileSync(seriesFile, 'utf8');
  } catch {
    throw new UserError(`patch series ${seriesFile} cannot be read`, 'check the path given with --patches');
  }
  const dir = path.dirname(seriesFile);
  const steps: PatchStep[] = [];
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (!line) continue;
    const [name, ...opts] = line.split(/\s+/);
    let strip = 1;
    for (const o of opts) {
      const m = /^-p(\d+)$/.exec(o);
      if (m) strip = Number(m[1]);
      else throw new UserError(`${seriesFile}:${i + 1}: option ${o} is not supported`, 'only -pN is understood in a series file');
    }
    steps.push({ file: path.resolve(dir, name), name, strip });
  }
  return steps;
}

/** The patch steps of a project: the series file's entries, then the listed patches. */
export function patchSteps(projectDir: string, patches: string[] = [], series?: string): PatchStep[] {
  const steps = series ? readSeries(path.resolve(projectDir, series)) : [];
  for (const p of patches) steps.push({ file: path.resolve(projectDir, p), name: p, strip: 1 });
  for (const s of steps) {
    if (!fs.existsSync(s.file)) throw new UserError(`patch ${s.name} does not exist (${s.file})`, 'fix the series file or the patch list');
  }
  return steps;
}

/** The text of hunk number `hunk` (1-based) for `target` in a unified diff, for the message. */
export function hunkText(patch: string, target: string, hunk: number): string | undefined {
  const lines = patch.split('\n');
  let inFile = false;
  let n = 0;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l.startsWith('+++ ')) {
      const name = l.slice(4).split('\t')[0].trim();
      inFile = name === target || name.endsWith('/' + target);
      n = 0;
    } else if (inFile && l.startsWith('@@')) {
      if (++n === hunk) {
        const body = [l];
        for (let j = i + 1; j < lines.length && !lines[j].startsWith('@@') && !lines[j].startsWith('diff ') && !lines[j].startsWith('--- '); j++) body.push(lines[j]);
        return body.slice(0, 12).join('\n');
      }
    }
  }
  return undefined;
}

/** Apply the steps in order inside `treeDir`; the first one that fails stops with a UserError. */
export async function applyPatches(steps: PatchStep[], treeDir: string, onApplied?: (name: string) => void): Promise<void> {
  for (const step of steps) {
    const r = await execa(
      'patch',
      [`-p${step.strip}`, '--forward', '--batch', '--no-backup-if-mismatch', '--fuzz=0', '--reject-file=-', '-d', treeDir, '-i', step.file],
      { env: { LC_ALL: 'C' }, reject: false },
    );
    if (r.exitCode === 0) {
      onApplied?.(step.name);
      continue;
    }
    throw patchFailure(step, `${r.stdout}\n${r.stderr}`);
  }
}

function patchFailure(step: PatchStep, output: string): UserError {
  let current = '';
  for (const line of output.split('\n')) {
    const file = /^(?:patching|checking) file (.+)$/.exec(line);
    if (file) current = file[1].replace(/^'(.*)'$/, '$1');
    const failed = /Hunk #(\d+) FAILED at (\d+)/.exec(line);
    if (failed) {
      const text = hunkText(fs.readFileSync(step.file, 'utf8'), current, Number(failed[1]));
      return new UserError(
        `patch ${step.name} does not apply: hunk #${failed[1]} of ${current} failed (at line ${failed[2]})` + (text ? `\n${text}` : ''),
        'refresh the patch against this source revision, or remove it from the series',
      );
    }
    if (/can't find file to patch/.test(line) || /No file to patch/.test(line)) {
      return new UserError(
        `patch ${step.name} does not apply: it changes a file that is not in the imported directories`,
        `${output.trim().split('\n').slice(0, 6).join('\n')}\nimport the directory it patches too, or check the -p level`,
      );
    }
    if (/Reversed \(or previously applied\) patch detected/.test(line)) {
      return new UserError(`patch ${step.name} does not apply: ${current} already has it (reversed or previously applied)`, 'remove it from the series');
    }
  }
  return new UserError(`patch ${step.name} does not apply`, output.trim().split('\n').slice(0, 8).join('\n'));
}
