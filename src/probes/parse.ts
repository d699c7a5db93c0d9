/**
 * The probe file (`dudforge.probes`): one probe per block, line based so that a diff shows
 * exactly which question changed.
 *
 *   # A comment: any line whose first non-blank character is '#'. Blank lines are ignored.
 *   <kind> <subject>            starts a probe, at column 0
 *       include <linux/x.h>     indented: a header the probe needs (repeatable; <> optional)
 *       define HAVE_NAME        indented: the macro to define (default: derived from the subject)
 *       global <C text>         indented: one line of C at file scope (repeatable)
 *       body <C text>           indented: one line of C inside the probe function (repeatable)
 *
 * Kinds and their subjects (the default macro in brackets):
 *   symbol strlcpy                       identifier declared: function, variable, enum constant,
 *                                        typedef or macro                     [HAVE_STRLCPY]
 *   header linux/cleanup.h               `#include <linux/cleanup.h>` compiles  [HAVE_LINUX_CLEANUP_H]
 *   member struct net_device min_mtu     the type has that member (a.b for nested members)
 *                                                                    [HAVE_STRUCT_NET_DEVICE_MIN_MTU]
 *   type rcuref_t                        a complete type exists (struct x, union x, typedef)
 *                                                                                [HAVE_RCUREF_T]
 *   call class_create(THIS_MODULE, "x")  the call compiles            [HAVE_2_ARG_CLASS_CREATE]
 *   code HAVE_NAME                       the global/body lines compile (the macro is the subject)
 *   export class_create                  the symbol is in the tree's Module.symvers, no compile
 *                                                                      [HAVE_EXPORTED_CLASS_CREATE]
 *
 * For every kind except code, the include/global/body lines are setup: when they do not
 * compile the probe is reported broken rather than false (see diagnostics.ts).
 */
import { readFileSync } from 'node:fs';
import { UserError } from '../errors.js';
import { PROBE_KINDS, type Probe, type ProbeKind } from './types.js';

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DEFINE = /^[A-Z_][A-Z0-9_]*$/;
/** The probe's module, its directory and files (.mod.c, .o.cmd…) are named after its macro: keep them well under NAME_MAX. */
export const MAX_DEFINE_LENGTH = 128;
const HEADER = /^[A-Za-z0-9_][A-Za-z0-9_./+-]*\.h$/;
const MEMBER_PATH = /^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$/;
const TYPE_NAME = /^((struct|union|enum)\s+[A-Za-z_]\w*|[A-Za-z_]\w*(\s+[A-Za-z_]\w*)*)(\s*\*)*$/;

type Attribute = 'include' | 'define' | 'global' | 'body';
const ATTRIBUTES: readonly Attribute[] = ['include', 'define', 'global', 'body'];

function fail(fileName: string, line: number, message: string, hint?: string): never {
  throw new UserError(`${fileName}:${line}: ${message}`, hint ?? 'See the probe file format at the top of src/probes/parse.ts.');
}

/** The name the subject gives a macro: upper case, anything else becomes '_'. */
export function macroPart(text: string): string {
  return text.toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^_+|_+$/g, '');
}

/**
 * The parts of a call expression: the function name and how many arguments it passes.
 * Commas inside parentheses, brackets, braces and literals do not separate arguments.
 */
export function splitCall(subject: string): { name: string; args: number } | undefined {
  const m = /^([A-Za-z_]\w*)\s*\((.*)\)$/s.exec(subject.trim());
  if (!m) return undefined;
  const inner = m[2];
  let depth = 0;
  let args = inner.trim() === '' ? 0 : 1;
  let quote: string | undefined;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) {
      depth--;
      if (depth < 0) return undefined;
    } else if (c === ',' && depth === 0) args++;
  }
  if (depth !== 0 || quote) return undefined;
  return { name: m[1], args };
}

/** `struct net_device min_mtu` → type `struct net_device`, member `min_mtu`. */
export function splitMember(subject: string): { type: string; member: string } | undefined {
  const m = /^(.+?)\s+([A-Za-z_][\w.]*)$/.exec(subject.trim());
  if (!m || !TYPE_NAME.test(m[1]) || !MEMBER_PATH.test(m[2]) || /^(struct|union|enum)$/.test(m[1])) return undefined;
  return { type: m[1], member: m[2] };
}

/** The macro a probe defines unless a `define` line says otherwise. */
export function defaultDefine(kind: ProbeKind, subject: string): string | undefined {
  switch (kind) {
    case 'symbol':
      return `HAVE_${subject.toUpperCase()}`;
    case 'header':
      return `HAVE_${macroPart(subject)}`;
    case 'member':
    case 'type':
      return `HAVE_${macroPart(subject)}`;
    case 'call': {
      const call = splitCall(subject);
      return call ? `HAVE_${call.args}_ARG_${call.name.toUpperCase()}` : undefined;
    }
    case 'export':
      return `HAVE_EXPORTED_${subject.toUpperCase()}`;
    case 'code':
      return DEFINE.test(subject) ? subject : undefined;
  }
}

/** Why a subject is not acceptable for its kind, or undefined when it is. */
function subjectProblem(kind: ProbeKind, subject: string): string | undefined {
  switch (kind) {
    case 'symbol':
    case 'export':
      return IDENT.test(subject) ? undefined : `"${subject}" is not a C identifier`;
    case 'header':
      return HEADER.test(subject) ? undefined : `"${subject}" is not a header path like linux/cleanup.h`;
    case 'member':
      return splitMember(subject) ? undefined : `"${subject}" is not "<type> <member>", e.g. "struct net_device min_mtu"`;
    case 'type':
      return TYPE_NAME.test(subject) ? undefined : `"${subject}" is not a type name like "struct timer_list" or "ktime_t"`;
    case 'call':
      return splitCall(subject) ? undefined : `"${subject}" is not a call like "class_create(THIS_MODULE, name)" (balanced parentheses)`;
    case 'code':
      return DEFINE.test(subject) ? undefined : `a code probe names its macro: "code HAVE_SOMETHING", not "code ${subject}"`;
  }
}

function stripAngles(text: string): string {
  const t = text.trim();
  const m = /^<(.*)>$/.exec(t) ?? /^"(.*)"$/.exec(t);
  return m ? m[1].trim() : t;
}

/** Parse a probe file's text; every problem is a UserError naming `fileName:line`. */
export function parseProbeFile(text: string, fileName: string): Probe[] {
  const probes: Probe[] = [];
  const defineLine = new Map<string, number>();
  let current: Probe | undefined;
  let explicitDefine = false;

  const finish = () => {
    if (!current) return;
    const start = current.source!.line;
    if (current.define.length > MAX_DEFINE_LENGTH) {
      fail(fileName, start, `the probe's macro ${current.define.slice(0, 32)}… is ${current.define.length} characters long; at most ${MAX_DEFINE_LENGTH} are allowed`, 'Give it a shorter name with a "define HAVE_..." line: the probe module and its files are named after it.');
    }
    if (current.kind === 'code' && current.globals.length === 0 && current.body.length === 0) {
      fail(fileName, start, `code probe ${current.define} has no "global" or "body" lines`);
    }
    if (current.kind === 'export' && (current.includes.length || current.globals.length || current.body.length)) {
      fail(fileName, start, `export probe ${current.define} reads Module.symvers; include/global/body lines mean nothing there`);
    }
    const seen = defineLine.get(current.define);
    if (seen !== undefined) {
      fail(fileName, start, `${current.define} is already defined by the probe on line ${seen}`, 'Give one of them another name with a "define HAVE_..." line.');
    }
    defineLine.set(current.define, start);
    probes.push(current);
    current = undefined;
  };

  text.split(/\r?\n/).forEach((raw, index) => {
    const lineNo = index + 1;
    const line = raw.replace(/\s+$/, '');
    if (line.trim() === '' || line.trim().startsWith('#')) return;
    const indented = /^\s/.test(line);
    const m = /^\s*(\S+)\s*(.*)$/.exec(line)!;
    const word = m[1];
    const rest = m[2];
    if (!indented) {
      finish();
      if (!PROBE_KINDS.includes(word as ProbeKind)) {
        fail(fileName, lineNo, `unknown probe kind "${word}"`, `A probe starts with one of: ${PROBE_KINDS.join(', ')}. Attribute lines (include, define, global, body) are indented.`);
      }
      const kind = word as ProbeKind;
      const subject = rest.trim();
      const problem = subjectProblem(kind, subject);
      if (problem) fail(fileName, lineNo, problem);
      current = { kind, define: defaultDefine(kind, subject)!, subject, includes: [], globals: [], body: [], source: { file: fileName, line: lineNo, includeLines: [], globalLines: [], bodyLines: [] } };
      explicitDefine = kind === 'code';
      return;
    }
    if (!current) fail(fileName, lineNo, `"${word}" is indented but no probe has started yet`, 'Start a probe with "<kind> <subject>" at column 0.');
    if (!ATTRIBUTES.includes(word as Attribute)) {
      fail(fileName, lineNo, `unknown probe line "${word}"`, `Indented lines are one of: ${ATTRIBUTES.join(', ')}.`);
    }
    switch (word as Attribute) {
      case 'include': {
        const header = stripAngles(rest);
        if (!HEADER.test(header)) fail(fileName, lineNo, `"${rest}" is not a header like <linux/device.h>`);
        current.includes.push(header);
        current.source!.includeLines.push(lineNo);
        break;
      }
      case 'define':
        if (!DEFINE.test(rest.trim())) fail(fileName, lineNo, `"${rest}" is not a macro name (upper case, digits, _)`);
        if (explicitDefine) fail(fileName, lineNo, `probe ${current.define} already names its macro`);
        current.define = rest.trim();
        current.source!.defineLine = lineNo;
        explicitDefine = true;
        break;
      case 'global':
      case 'body':
        if (current.kind === 'export') fail(fileName, lineNo, 'an export probe compiles nothing; it takes no C lines');
        (word === 'global' ? current.globals : current.body).push(rest);
        (word === 'global' ? current.source!.globalLines : current.source!.bodyLines).push(lineNo);
        break;
    }
  });
  finish();
  return probes;
}

export function readProbeFile(path: string): Probe[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UserError(`cannot read probe file ${path}: ${(err as Error).message}`, 'Check the path given for the probe file.');
  }
  return parseProbeFile(text, path);
}

export type CanonicalRole = 'subject' | 'include' | 'define' | 'global' | 'body';

export interface CanonicalLine {
  role: CanonicalRole;
  text: string;
  /** The line in the probe file, when the probe came from one. */
  fileLine?: number;
}

/**
 * The probe in a fixed order (kind line, includes, define, globals, body), whatever order the
 * file wrote them in. Generated C points its `#line`s at these line numbers, so compiler
 * messages (and the cache that keeps them) do not depend on where the probe sits in its file.
 */
export function canonicalLines(p: Probe): CanonicalLine[] {
  const s = p.source;
  const lines: CanonicalLine[] = [{ role: 'subject', text: `${p.kind} ${p.subject}`, fileLine: s?.line }];
  p.includes.forEach((inc, i) => lines.push({ role: 'include', text: `include <${inc}>`, fileLine: s?.includeLines[i] }));
  if (p.kind !== 'code' && p.define !== defaultDefine(p.kind, p.subject)) {
    lines.push({ role: 'define', text: `define ${p.define}`, fileLine: s?.defineLine });
  }
  p.globals.forEach((g, i) => lines.push({ role: 'global', text: `global ${g}`, fileLine: s?.globalLines[i] }));
  p.body.forEach((b, i) => lines.push({ role: 'body', text: `body ${b}`, fileLine: s?.bodyLines[i] }));
  return lines;
}

/** The probe as the text that decides its answer: the cache key hashes it. */
export function canonicalProbeText(p: Probe): string {
  return canonicalLines(p).map((l) => l.text).join('\n') + '\n';
}

/** Check probes built in code (not from a file) the way the parser checks a file's. */
export function validateProbes(probes: Probe[]): void {
  const seen = new Set<string>();
  for (const p of probes) {
    const where = p.source?.file ?? `probe ${p.define}`;
    const problem = PROBE_KINDS.includes(p.kind) ? subjectProblem(p.kind, p.subject) : `unknown probe kind "${p.kind}"`;
    if (problem) throw new UserError(`${where}: ${problem}`);
    if (!DEFINE.test(p.define)) throw new UserError(`${where}: "${p.define}" is not a macro name`);
    if (seen.has(p.define)) throw new UserError(`${where}: ${p.define} is defined by two probes`);
    seen.add(p.define);
  }
}
