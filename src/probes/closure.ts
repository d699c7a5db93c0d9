/**
 * Which kernel headers a probe sees. Batching probes into one translation unit (batch.ts) is
 * only exact for a probe when every header opened before it in that unit is one its own
 * includes pull in anyway; otherwise another probe's header could declare what this probe asks
 * about and make it a wrong yes.
 *
 * Two facts are put side by side:
 *  - what WAS opened before each region of a batch: gcc -H lists every header as it opens it,
 *    and the region files (`dudforge-batch-<i>-<n>.h`) mark where each probe starts;
 *  - what a probe's own includes pull in AT LEAST (a lower bound of their closure): read from
 *    the headers, following only #include lines that are certainly reached — outside any #if,
 *    except include guards, `__KERNEL__`/`__ASSEMBLY__` tests and plain CONFIG_ tests answered
 *    from the tree's autoconf.h — resolved through Kbuild's own -I list in its order.
 * A probe is exact when the first is within the second. Anything the reader cannot be sure of
 * makes the bound smaller, never larger, so doubt costs a recompile, never a wrong answer.
 *
 * Premise (the one the kernel's own build rests on): a header pulls in the same headers
 * whatever was included before it.
 */
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { probeHeaders } from './source.js';
import type { Probe } from './types.js';

/** Kbuild's flags for the probe directory, as `make` printed them (make.ts). */
export interface TreeFlags {
  /** The directory the compiler runs in (relative -I and -H paths are relative to it). */
  cwd: string;
  includeDirs: string[];
  /** Macros of the tree's configuration (include/generated/autoconf.h). */
  config: Set<string>;
}

export function parseTreeFlags(buildTree: string, cflags: string): TreeFlags {
  const cwd = realpathSync(buildTree);
  const words = cflags.split(/\s+/).filter(Boolean);
  const includeDirs: string[] = [];
  for (let i = 0; i < words.length; i++) {
    if (words[i] === '-I' && words[i + 1]) includeDirs.push(resolve(cwd, words[++i]));
    else if (words[i].startsWith('-I')) includeDirs.push(resolve(cwd, words[i].slice(2)));
  }
  const config = new Set<string>();
  try {
    for (const m of readFileSync(join(cwd, 'include/generated/autoconf.h'), 'utf8').matchAll(/^#define (CONFIG_\w+) /gm)) config.add(m[1]);
  } catch {
    // no autoconf.h: CONFIG_ tests stay unknown
  }
  return { cwd, includeDirs, config };
}

/**
 * Kbuild's include list as the kernel's Makefile builds it (LINUXINCLUDE), guessed from the
 * tree's layout before any make ran. Only used to ORDER a first batch; whether a probe was
 * exact is always checked with the flags make really used.
 */
export function guessTreeFlags(buildTree: string): TreeFlags | undefined {
  try {
    const obj = realpathSync(buildTree);
    const src = /^include\s+(\S+)\/Makefile\s*$/m.exec(readFileSync(join(obj, 'Makefile'), 'utf8'))?.[1] ?? obj;
    const arch = readdirSync(join(obj, 'arch')).find((a) => existsSync(join(obj, 'arch', a, 'include', 'generated')));
    if (!arch) return undefined;
    const dirs = [
      `${src}/arch/${arch}/include`, `${obj}/arch/${arch}/include/generated`, `${src}/include`, `${obj}/include`,
      `${src}/arch/${arch}/include/uapi`, `${obj}/arch/${arch}/include/generated/uapi`, `${src}/include/uapi`, `${obj}/include/generated/uapi`,
    ];
    return parseTreeFlags(buildTree, dirs.map((d) => `-I${d}`).join(' '));
  } catch {
    return undefined;
  }
}

/** The text without comments, with continued lines joined, as lines. */
export function directiveLines(text: string): string[] {
  // Literals are matched so that comment markers inside them are left alone; a comment keeps
  // its line breaks so that the lines after it stay where they were.
  const stripped = text.replace(/\/\*[\s\S]*?(?:\*\/|$)|\/\/[^\n]*|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'/g, (m) =>
    m.startsWith('/*') ? ' ' + '\n'.repeat((m.match(/\n/g) ?? []).length) : m.startsWith('//') ? '' : m,
  );
  return stripped.replace(/\\\r?\n/g, '').split('\n');
}

type Truth = 'yes' | 'no' | 'unknown';
const not = (t: Truth): Truth => (t === 'yes' ? 'no' : t === 'no' ? 'yes' : 'unknown');

function macroDefined(name: string, config: Set<string>): Truth {
  // Every probe is C compiled for the kernel with optimisation (-O2), never assembly.
  if (name === '__KERNEL__' || name === '__OPTIMIZE__') return 'yes';
  if (name === '__ASSEMBLY__') return 'no';
  if (name.startsWith('CONFIG_')) return config.has(name) ? 'yes' : 'no';
  return 'unknown';
}

function evalCondition(expr: string, config: Set<string>): Truth {
  const e = expr.trim();
  // a && b && ... or a || b || ... of simple terms: no parentheses but those of defined(X),
  // IS_ENABLED(X) and the like, so splitting at the operators keeps each term whole.
  if (!/[()]/.test(e.replace(/\w+\s*\(\s*\w+\s*\)/g, 'T'))) {
    if (e.includes('&&') && !e.includes('||')) {
      const t = e.split('&&').map((x) => evalCondition(x, config));
      return t.includes('no') ? 'no' : t.every((x) => x === 'yes') ? 'yes' : 'unknown';
    }
    if (e.includes('||') && !e.includes('&&')) {
      const t = e.split('||').map((x) => evalCondition(x, config));
      return t.includes('yes') ? 'yes' : t.every((x) => x === 'no') ? 'no' : 'unknown';
    }
  }
  let m: RegExpExecArray | null;
  if ((m = /^(!\s*)?defined\s*\(?\s*(\w+)\s*\)?$/.exec(e))) return m[1] ? not(macroDefined(m[2], config)) : macroDefined(m[2], config);
  if ((m = /^(!\s*)?IS_(ENABLED|BUILTIN|MODULE)\s*\(\s*(CONFIG_\w+)\s*\)$/.exec(e))) {
    const builtin = config.has(m[3]);
    const module = config.has(`${m[3]}_MODULE`);
    const t: Truth = (m[2] === 'ENABLED' ? builtin || module : m[2] === 'BUILTIN' ? builtin : module) ? 'yes' : 'no';
    return m[1] ? not(t) : t;
  }
  if (e === '0') return 'no';
  if (e === '1') return 'yes';
  return 'unknown';
}

/** A header's #include lines that are certainly reached when it is opened, resolved. */
function certainIncludes(file: string, flags: TreeFlags, resolveInclude: (from: string, quote: boolean, name: string) => string | undefined): string[] {
  let lines: string[];
  try {
    lines = directiveLines(readFileSync(file, 'utf8'));
  } catch {
    return [];
  }
  const out: string[] = [];
  const frames: { cur: Truth; taken: Truth }[] = [];
  let directives = 0;
  let guard: string | undefined;
  for (const raw of lines) {
    const d = /^\s*#\s*(\w+)\s*(.*)$/.exec(raw);
    if (!d) continue;
    const [, name, rest] = d;
    directives++;
    const active = frames.every((f) => f.cur === 'yes');
    if (name === 'ifndef' || name === 'ifdef' || name === 'if') {
      let cur: Truth;
      if (!active) cur = 'unknown';
      else if (name === 'if') cur = evalCondition(rest, flags.config);
      else {
        const macro = rest.trim().split(/\s+/)[0];
        cur = name === 'ifdef' ? macroDefined(macro, flags.config) : not(macroDefined(macro, flags.config));
        if (name === 'ifndef' && directives === 1) guard = macro;
      }
      frames.push({ cur, taken: cur });
    } else if (name === 'define' && directives === 2 && guard && rest.trim().split(/\s+/)[0] === guard && frames.length === 1) {
      // `#ifndef X` + `#define X` first thing in the file: an include guard, open on first use.
      frames[0] = { cur: 'yes', taken: 'yes' };
    } else if (name === 'elif' && frames.length) {
      const f = frames[frames.length - 1];
      if (f.taken === 'yes') f.cur = 'no';
      else if (f.taken === 'no') {
        f.cur = evalCondition(rest, flags.config);
        f.taken = f.cur;
      } else f.cur = 'unknown';
    } else if (name === 'else' && frames.length) {
      const f = frames[frames.length - 1];
      f.cur = not(f.taken);
      f.taken = 'yes';
    } else if (name === 'endif') {
      frames.pop();
    } else if (name === 'include' && active) {
      const m = /^([<"])([^>"]+)[>"]/.exec(rest.trim());
      const target = m ? resolveInclude(file, m[1] === '"', m[2]) : undefined;
      if (target) out.push(target);
    }
  }
  return out;
}

/** Lower bounds of header closures for one kernel tree, memoised per file. */
export class ClosureReader {
  private direct = new Map<string, string[]>();
  private seen = new Map<string, Set<string>>();
  private resolved = new Map<string, string | undefined>();
  /** Closures already walked; planning asks for the same probe's many times. Cleared by addSeen. */
  private closures = new Map<Probe, Set<string>>();
  constructor(readonly flags: TreeFlags) {}

  /**
   * Inclusions gcc was seen to make (-H: `child` opened while reading `parent`): certain as
   * well, by the premise, even where the reader could not decide the #if around them.
   */
  addSeen(edges: Iterable<[string, string]>): void {
    this.closures.clear();
    for (const [parent, child] of edges) {
      const kids = this.seen.get(parent) ?? new Set<string>();
      kids.add(child);
      this.seen.set(parent, kids);
    }
  }

  resolve(from: string | undefined, quote: boolean, name: string): string | undefined {
    const key = `${quote && from ? dirname(from) : ''}\0${name}`;
    if (this.resolved.has(key)) return this.resolved.get(key);
    const dirs = quote && from ? [dirname(from), ...this.flags.includeDirs] : this.flags.includeDirs;
    const hit = dirs.map((d) => join(d, name)).find((p) => existsSync(p));
    this.resolved.set(key, hit);
    return hit;
  }

  /** Every file certainly opened when `header` (as in `#include <header>`) is included. */
  headerClosure(header: string): Set<string> {
    const out = new Set<string>();
    const start = this.resolve(undefined, false, header);
    const stack = start ? [start] : [];
    while (stack.length) {
      const f = stack.pop()!;
      if (out.has(f)) continue;
      out.add(f);
      let kids = this.direct.get(f);
      if (!kids) {
        kids = certainIncludes(f, this.flags, (from, q, n) => this.resolve(from, q, n));
        this.direct.set(f, kids);
      }
      stack.push(...kids, ...(this.seen.get(f) ?? []));
    }
    return out;
  }

  /** The union of the closures of a probe's headers (callers must not change the set). */
  probeClosure(p: Probe): Set<string> {
    let out = this.closures.get(p);
    if (!out) {
      out = new Set<string>();
      for (const { header } of probeHeaders(p)) this.headerClosure(header).forEach((f) => out!.add(f));
      this.closures.set(p, out);
    }
    return out;
  }
}

export interface OpenedHeaders {
  /** `byBatch[batch][region]`: headers first opened while that region was being read. */
  byBatch: Map<number, Map<number, Set<string>>>;
  /** Parent → child inclusions seen (for ClosureReader.addSeen). */
  edges: [string, string][];
}

/**
 * From a make's stderr, what each batch opened per region (gcc -H, with -Otarget so one
 * compiler's lines stay together; region files `dudforge-batch-<i>-<n>.h` mark the regions).
 * Headers opened before the first region (the forced -include files every compile has) are
 * left out: every probe sees them alone too.
 */
export function parseOpened(stderr: string, cwd: string): OpenedHeaders {
  const byBatch = new Map<number, Map<number, Set<string>>>();
  const edges: [string, string][] = [];
  const stack: string[] = [];
  let current: Set<string> | undefined;
  for (const line of stderr.split('\n')) {
    const m = /^(\.+) (\S.*)$/.exec(line);
    if (!m) continue;
    const depth = m[1].length;
    const file = resolve(cwd, m[2]);
    stack.length = depth - 1;
    const parent = stack[depth - 2];
    stack.push(file);
    const region = /(?:^|\/)dudforge-batch-(\d+)-(\d+)\.h$/.exec(m[2]);
    if (region) {
      const b = byBatch.get(Number(region[1])) ?? new Map<number, Set<string>>();
      byBatch.set(Number(region[1]), b);
      current = new Set();
      b.set(Number(region[2]), current);
      continue;
    }
    if (depth === 1) current = undefined; // a forced -include of the next compile
    else if (current) current.add(file);
    if (parent && !/(?:^|\/)dudforge-batch-\d+-\d+\.h$/.test(parent)) edges.push([parent, file]);
  }
  return { byBatch, edges };
}

/**
 * For each region of a batch, whether its probe saw exactly its own headers: everything opened
 * by the regions before it is within the lower bound of its own closure. A batch without -H
 * lines (it did not get far) is exact nowhere.
 */
export function exactPositions(order: Probe[], opened: Map<number, Set<string>> | undefined, reader: ClosureReader | undefined): boolean[] {
  const before = new Set<string>();
  return order.map((p, k) => {
    const mine = opened?.get(k);
    let exact = false;
    if (opened && reader && mine) {
      const own = reader.probeClosure(p);
      exact = [...before].every((f) => own.has(f));
    }
    mine?.forEach((f) => before.add(f));
    if (!mine) before.add('\0unknown'); // a region gcc never reached: nothing after it is exact
    return exact;
  });
}

/**
 * Split probes into chains in which every probe's closure contains those of the probes before
 * it, so each chain can be one exact batch: by size, each probe goes to the first chain whose
 * last (largest) closure it contains. The batch's -H lines check this again after compiling.
 */
export function planChains(probes: Probe[], reader: ClosureReader): Probe[][] {
  const chains: { probes: Probe[]; last: Set<string> }[] = [];
  const sorted = probes.map((p) => ({ p, c: reader.probeClosure(p) })).sort((a, b) => a.c.size - b.c.size || (a.p.define < b.p.define ? -1 : 1));
  for (const { p, c } of sorted) {
    const chain = chains.find((ch) => [...ch.last].every((f) => c.has(f)));
    if (chain) {
      chain.probes.push(p);
      chain.last = c;
    } else chains.push({ probes: [p], last: c });
  }
  return chains.map((ch) => ch.probes);
}
