/**
 * Telling a false probe from a broken one, from the compiler's own messages.
 *
 * The generated source (source.ts) marks every line with `#line K "<DEFINE>"`, K being the
 * probe's canonical line: 1 is the `<kind> <subject>` line (the tested construct), the others
 * are include/global/body lines. The FIRST error of a failed probe decides (later errors are
 * mostly its echoes):
 *  - located on a setup line (an include, or a global/body line of a non-code probe), or in a
 *    kernel header reached through a setup include → broken: the probe cannot ask its question
 *    on this kernel, whatever the answer;
 *  - a syntax error ("expected ';' before ...", "stray '\'", "unterminated ...") in the probe's
 *    own text → broken: the probe is not valid C anywhere;
 *  - anything else (undeclared, no member, wrong argument count, incompatible types, missing
 *    tested header) → false: the kernel does not have what was asked for.
 * This costs no second compile of a "control" variant, which would double the probe step. What
 * it cannot see is a misspelled name: that reads as "not there", as it would for any compile test.
 */
import { canonicalLines } from './parse.js';
import type { Probe } from './types.js';

export interface ProbeError {
  /** The probe's canonical line the error belongs to. */
  line: number;
  /** Column on that line, when the compiler gave one and the error is in the probe's text. */
  column?: number;
  /** The compiler's message, without its location. */
  message: string;
  /** Where a kernel header reported it (the error sits in a header the probe's line included). */
  headerLocation?: string;
}

const ERROR_LINE = /^(.+?):(\d+):(?:(\d+):)? (?:fatal error|error): (.*)$/;
const MACRO_NOTE = /^(.+?):(\d+):(?:(\d+):)? note: in expansion of macro/;
const CHAIN_START = /^In file included from (.+?):(\d+)[:,]$/;
const CHAIN_MORE = /^\s+from (.+?):(\d+)[:,]$/;

/**
 * The compiler errors of each probe in one make's stderr. Errors in kernel headers are given to
 * the probe whose include chain led there; a macro expanded from the probe's own text moves the
 * error onto that line.
 */
export function collectProbeErrors(stderr: string, defines: Set<string>): { byProbe: Map<string, ProbeError[]>; unattributed: string[] } {
  const byProbe = new Map<string, ProbeError[]>();
  const unattributed: string[] = [];
  let chainRoot: { define: string; line: number } | undefined;
  let last: { define: string; error: ProbeError } | undefined;
  const push = (define: string, error: ProbeError) => {
    const list = byProbe.get(define) ?? [];
    list.push(error);
    byProbe.set(define, list);
    last = { define, error };
  };
  const chainEntry = (file: string, line: string) => {
    if (defines.has(file)) chainRoot = { define: file, line: Number(line) };
  };
  for (const line of stderr.split('\n')) {
    let m: RegExpExecArray | null;
    if ((m = CHAIN_START.exec(line))) {
      chainRoot = undefined;
      chainEntry(m[1], m[2]);
    } else if ((m = CHAIN_MORE.exec(line))) {
      chainEntry(m[1], m[2]);
    } else if ((m = ERROR_LINE.exec(line))) {
      const [, file, lineNo, column, message] = m;
      if (defines.has(file)) {
        push(file, { line: Number(lineNo), column: column ? Number(column) : undefined, message });
      } else if (chainRoot) {
        push(chainRoot.define, { line: chainRoot.line, message, headerLocation: `${file}:${lineNo}` });
      } else {
        unattributed.push(line);
      }
    } else if ((m = MACRO_NOTE.exec(line))) {
      if (last && defines.has(m[1]) && last.error.headerLocation) {
        // The header only holds the macro; the probe's line is where it went wrong. In a
        // batch the include chain printed last may belong to another probe: the probe whose
        // line expanded the macro is the one the error belongs to.
        if (last.define !== m[1]) {
          const from = byProbe.get(last.define)!;
          from.splice(from.indexOf(last.error), 1);
          if (from.length === 0) byProbe.delete(last.define);
          const to = byProbe.get(m[1]) ?? [];
          to.push(last.error);
          byProbe.set(m[1], to);
          last = { define: m[1], error: last.error };
        }
        last.error.line = Number(m[2]);
        last.error.column = m[3] ? Number(m[3]) : undefined;
        last.error.headerLocation = undefined;
      }
    }
  }
  return { byProbe, unattributed };
}

const SYNTAX = [
  /^expected /,
  /^stray /,
  /^missing terminating/,
  /^unterminated/,
  /^#(else|elif|endif) without #if/,
  /^invalid preprocessing directive/,
  /^macro names must be identifiers/,
  /^extraneous closing brace/,
  /^empty character constant/,
  /^invalid suffix /,
  /^extra tokens/,
];

export function isSyntaxError(message: string): boolean {
  return SYNTAX.some((re) => re.test(message));
}

/** Whether a canonical line is what the probe tests (as opposed to setup it needs). */
function isTestedLine(p: Probe, line: number): boolean {
  const role = canonicalLines(p)[line - 1]?.role;
  if (role === 'subject') return true;
  return p.kind === 'code' && (role === 'global' || role === 'body');
}

export function classifyFailure(p: Probe, errors: ProbeError[]): 'broken' | false {
  const first = errors[0];
  if (!isTestedLine(p, first.line)) return 'broken';
  if (!first.headerLocation && isSyntaxError(first.message)) return 'broken';
  return false;
}

/** "dudforge.probes:12:5: error: ..." — the error at the user's own line of the probe file. */
export function formatProbeError(p: Probe, e: ProbeError): string {
  const fileLine = canonicalLines(p)[e.line - 1]?.fileLine;
  const where = p.source && fileLine ? `${p.source.file}:${fileLine}` : `probe ${p.define} line ${e.line}`;
  if (e.headerLocation) return `${where}: included ${e.headerLocation}: error: ${e.message}`;
  return `${where}${e.column ? `:${e.column}` : ''}: error: ${e.message}`;
}

/**
 * Errors that stay inside the construct that caused them: the compiler looked a name or a type
 * up and did not find what was asked for, and went on parsing in step. Only these are believed
 * when they come from a batch (batch.ts); any other error (syntax, a clash inside a kernel
 * header, a message not listed here) may have been caused by a neighbour, so its probe is
 * compiled again on its own.
 */
const ISOLATED = [
  /^'[^']+' undeclared /,
  /^implicit declaration of function /,
  /has no member named /,
  /^macro "[^"]+" (requires|passed) \d+ arguments?, but (only )?\d+ given$/,
  /^too (many|few) arguments to function /,
  /^unknown type name /,
  /^invalid application of 'sizeof' to incomplete type /,
  /^invalid use of undefined type /,
  /^dereferencing pointer to incomplete type /,
  /^storage size of '[^']+' isn't known$/,
  /^incompatible type for argument \d+ of /,
  /from incompatible pointer type /,
  /\[-Werror=(incompatible-pointer-types|int-conversion|implicit-function-declaration|discarded-qualifiers|discarded-array-qualifiers)\]$/,
];

export function isIsolatedError(e: ProbeError): boolean {
  return !e.headerLocation && ISOLATED.some((re) => re.test(e.message));
}
