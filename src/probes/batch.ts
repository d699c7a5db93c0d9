/**
 * Batches: several probes in ONE translation unit, so the kernel headers they share are parsed
 * once instead of once per probe (that parsing is nearly all of a probe's cost). A batch only
 * ever speeds an answer up; it never decides one the probe's own module could decide otherwise.
 * Every rule below is about one probe at position k of a unit:
 *
 *  - it must have seen exactly its own headers: everything opened before it is within the
 *    closure of its own includes (closure.ts, checked from gcc -H after compiling);
 *  - everything before it must have parsed in step: every earlier error is one that stays in
 *    its construct (diagnostics.ts isIsolatedError), so nothing earlier swallowed or bent it;
 *  - yes: the unit compiled with no error at all, or — for probes that parsing alone decides
 *    (parsedOnly: symbol, type, member, header without setup lines) — the probe's region had
 *    no error and no name was reported undeclared at file scope before it (gcc then accepts
 *    that name everywhere). Calls and code need a clean unit: after an error gcc skips code
 *    generation, whose errors (__attribute__((error)) checks like BUILD_BUG_ON,
 *    -Werror=return-type) would be missed;
 *  - no/broken: its own errors, all isolated, classified as for a single module;
 *  - a header missing (__has_include) is the single module's fatal error when it is the
 *    probe's first include;
 *  - anything else is compiled again (rounds.ts): in an exact batch of its own, or alone in
 *    its own module (make.ts), which decides exactly as before batching.
 *
 * Each probe's text sits in a region file of its own (source.ts probeRegion), so a comment,
 * string, macro call or #if it leaves open ends with that file. Probes whose C text could still
 * reach their neighbours — a preprocessor line or _Pragma (macros and pragmas outlive a file),
 * unbalanced brackets (the rest of the unit would sit inside them) — never join a batch. File
 * scope definitions (`global` lines) are seen by every later probe, so a probe with them is put
 * last, at most one per batch.
 */
import { classifyFailure, isIsolatedError, type ProbeError } from './diagnostics.js';
import { MISSING_HEADER, probeHeaders, symbolInFunction } from './source.js';
import type { Probe } from './types.js';

export interface BatchAnswer {
  value: boolean | 'broken';
  errors?: ProbeError[];
}

/** Brackets balanced and properly nested, outside literals and comments; no open comment. */
export function balancedC(text: string): boolean {
  const stack: string[] = [];
  const close: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += text[j] === '\\' ? 2 : 1;
      if (j >= text.length) return false;
      i = j;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) return false;
      i = end + 1;
    } else if (c === '/' && text[i + 1] === '/') {
      return stack.length === 0; // the rest of the line is a comment
    } else if ('([{'.includes(c)) stack.push(c);
    else if (c in close) {
      if (stack.pop() !== close[c]) return false;
    }
  }
  return stack.length === 0;
}

/** The probe's own C text (what the user wrote), line by line, per place it goes. */
function userText(p: Probe): string[][] {
  return [p.globals, p.body, p.kind === 'call' ? [p.subject] : []].filter((x) => x.length > 0);
}

/** Whether a probe may share a translation unit with others (see the top of this file). */
export function batchable(p: Probe): boolean {
  if (p.kind === 'export') return false;
  for (const lines of userText(p)) {
    for (const l of lines) {
      if (/^\s*#/.test(l) || /\b_Pragma\b|\\\s*$|\?\?/.test(l)) return false;
      // Every line on its own: the generated #line between two lines would land inside an
      // expression left open across them.
      if (!balancedC(l)) return false;
    }
  }
  return true;
}

export function hasFileScopeText(p: Probe): boolean {
  return p.globals.length > 0;
}

/**
 * The order of probes in one batch: those with file scope text go last (a batch takes at most
 * one of them; the rest are returned as `left`). Otherwise by `size` (of the closure, when it
 * can be known), then by how many headers a probe names, so that small-closure probes come
 * first and more of them see exactly their own headers.
 */
export function orderBatch(probes: Probe[], size: (p: Probe) => number): { order: Probe[]; left: Probe[] } {
  const plain = probes.filter((p) => !hasFileScopeText(p));
  const withGlobals = probes.filter(hasFileScopeText);
  plain.sort((a, b) => size(a) - size(b) || probeHeaders(a).length - probeHeaders(b).length || (a.define < b.define ? -1 : 1));
  return { order: [...plain, ...withGlobals.slice(0, 1)], left: withGlobals.slice(1) };
}

/** How one batch came out, read from its make (make.ts) and the compiler's messages. */
export interface BatchOutcome {
  /** The batch's object was produced: the unit compiled with no error. */
  compiled: boolean;
  /** Compiler errors per probe define (from the whole make's stderr). */
  byProbe: Map<string, ProbeError[]>;
  /** The make had error lines that name no probe: nothing in it can be trusted to be isolated. */
  stray: boolean;
}

export interface BatchVerdict {
  answers: Map<string, BatchAnswer>;
  /** No error, but the unit was not clean or the probe saw more than its own headers. */
  confirm: Probe[];
  /** Errors that stay in the probe, but it saw more than its own headers. */
  verify: Probe[];
  /** Errors that may come from a neighbour: the probe is compiled on its own. */
  alone: Probe[];
}

const MISSING = new RegExp(`^#error ${MISSING_HEADER} (\\S+)$`);

/**
 * Probes whose question the compiler answers entirely while parsing: no code of theirs is
 * generated, so a batch that stopped after parsing (it had errors elsewhere) still saw every
 * error they would give. Calls and code can hit errors only code generation reports
 * (__attribute__((error)) checks such as BUILD_BUG_ON, -Werror=return-type); setup lines can
 * hold anything.
 */
export function parsedOnly(p: Probe): boolean {
  if (p.globals.length || p.body.length) return false;
  return p.kind === 'type' || p.kind === 'member' || p.kind === 'header' || (p.kind === 'symbol' && symbolInFunction(p));
}

/** A symbol asked inside the probe function (source.ts): the message as its own module gives it. */
function fileScopeWording(p: Probe, errors: ProbeError[]): ProbeError[] {
  if (!symbolInFunction(p)) return errors;
  return errors.map((e) => (e.line === 1 ? { ...e, message: e.message.replace(/^('[^']+' undeclared) \(first use in this function\)/, '$1 here (not in a function)') } : e));
}

/**
 * Decide what a batch says about each of its probes, in their order in the unit; `exact[k]`
 * says whether the k-th probe saw exactly its own headers (closure.ts exactPositions).
 */
export function judgeBatch(order: Probe[], outcome: BatchOutcome, exact: boolean[]): BatchVerdict {
  const verdict: BatchVerdict = { answers: new Map(), confirm: [], verify: [], alone: [] };
  let inStep = !outcome.stray;
  // gcc reports a name undeclared at file scope once per unit, then accepts it everywhere.
  let silencedNames = false;
  order.forEach((p, k) => {
    const found = outcome.byProbe.get(p.define) ?? [];
    if (found.length === 0) {
      // Yes from a unit with errors elsewhere only for what parsing alone decides, and only
      // when everything before it parsed in step.
      const parsedClean = !outcome.compiled && parsedOnly(p) && inStep && !silencedNames;
      if ((outcome.compiled || parsedClean) && exact[k]) verdict.answers.set(p.define, { value: true });
      else verdict.confirm.push(p);
      return;
    }
    if (found.some((e) => /undeclared here \(not in a function\)/.test(e.message))) silencedNames = true;
    const errors = fileScopeWording(p, found);
    const missing = MISSING.exec(errors[0].message);
    if (missing) {
      // __has_include said no: the probe's own module would stop with a fatal error at that
      // include, if it is the first one it includes; the region compiled nothing after it.
      const first = probeHeaders(p)[0];
      if (errors.length === 1 && first.header === missing[1] && first.line === errors[0].line) {
        const e: ProbeError = { line: errors[0].line, column: 10, message: `${missing[1]}: No such file or directory` };
        verdict.answers.set(p.define, { value: classifyFailure(p, [e]), errors: [e] });
      } else {
        verdict.alone.push(p);
        if (!errors.slice(1).every(isIsolatedError)) inStep = false;
      }
      return;
    }
    const isolated = errors.every(isIsolatedError);
    if (isolated && inStep && exact[k]) verdict.answers.set(p.define, { value: classifyFailure(p, errors), errors: errors.slice(0, 3) });
    else if (isolated && inStep) verdict.verify.push(p);
    else verdict.alone.push(p);
    if (!isolated) inStep = false;
  });
  return verdict;
}
