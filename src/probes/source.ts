/**
 * The C source and Kbuild file of one probe module. Every line that comes from the probe file
 * is preceded by `#line K "<DEFINE>"`, K being its canonical line (parse.ts), so the compiler
 * names the probe and the probe's own line in every message — that is how diagnostics.ts tells
 * a broken probe from a false one without a second compile.
 */
import { canonicalLines, splitMember } from './parse.js';
import type { Probe } from './types.js';

/** Bump when the generated code changes meaning, so cached answers are not reused. */
export const PROBE_GENERATOR_VERSION = 2;

/**
 * Warnings that mean "this API is not what the probe expects" are made errors; the rest
 * (unused results, missing prototypes, ...) stay warnings, or every probe would be false.
 */
const GCC_ERRORS = [
  '-Werror=implicit-function-declaration',
  '-Werror=implicit-int',
  '-Werror=incompatible-pointer-types',
  '-Werror=int-conversion',
  '-Werror=return-type',
  '-Werror=discarded-qualifiers',
  '-Werror=discarded-array-qualifiers',
  '-fno-diagnostics-show-caret',
];
const CLANG_ERRORS = [
  '-Werror=implicit-function-declaration',
  '-Werror=implicit-int',
  '-Werror=incompatible-pointer-types',
  '-Werror=incompatible-function-pointer-types',
  '-Werror=int-conversion',
  '-Werror=return-type',
  '-Werror=incompatible-pointer-types-discards-qualifiers',
  '-fno-caret-diagnostics',
];

/** The module (and directory) name of a probe: Kbuild wants lower case object names. */
export function probeModuleName(p: Probe): string {
  return p.define.toLowerCase();
}

/** The Kbuild lines every probe object (single or batch) is compiled with. */
export function probeCflags(llvm: boolean): string[] {
  return [
    `ccflags-y := ${(llvm ? CLANG_ERRORS : GCC_ERRORS).join(' ')}`,
    '# objtool checks generated code, not APIs: skipping it keeps a probe to one compiler run;',
    '# debug info changes nothing about what compiles and costs ~8% of a probe\'s compile',
    'OBJECT_FILES_NON_STANDARD := y',
    'ccflags-y += -g0',
  ];
}

/**
 * The tested construct of each kind, as lines of C inside the probe function or at file scope.
 * In a batch the names are made unique by macros around the region (probeRegion), so the
 * text — and the columns the compiler reports — are those of the probe's own module.
 */
function construct(p: Probe): { fileScope: string[]; inFunction: string[] } {
  switch (p.kind) {
    case 'symbol':
      // A macro is answered by the preprocessor; functions, variables, enum constants and
      // typedefs all have a type, so __typeof__ accepts each of them and nothing undeclared.
      return { fileScope: [`#if !defined(${p.subject})`, `typedef __typeof__(${p.subject}) dudforge_probe_symbol_t;`, '#endif'], inFunction: [] };
    case 'header':
      return { fileScope: [], inFunction: [] }; // probeSource puts the include before the globals
    case 'member': {
      const { type, member } = splitMember(p.subject)!;
      // A pointer dereference works for bit-fields and arrays, where sizeof/typeof would not.
      return {
        fileScope: [
          `void dudforge_probe_member(${type} *dudforge_p);`,
          `void dudforge_probe_member(${type} *dudforge_p) { (void)dudforge_p->${member}; }`,
        ],
        inFunction: [],
      };
    }
    case 'type':
      // sizeof needs a complete type: an undeclared name or a bare `struct x` both fail.
      return { fileScope: [], inFunction: [`(void)sizeof(${p.subject});`] };
    case 'call':
      // A statement, not an expression: macros that expand to do { } while (0) still fit.
      return { fileScope: [], inFunction: [`${p.subject};`] };
    case 'code':
    case 'export':
      return { fileScope: [], inFunction: [] };
  }
}

/** The probe's canonical line of the i-th line of a role (include, global, body). */
function lineFinder(p: Probe): (role: string, i: number) => number {
  const lines = canonicalLines(p);
  return (role, i) => lines.filter((l) => l.role === role).map((l) => lines.indexOf(l) + 1)[i];
}

/** The headers a probe includes, in the order its source includes them, with their lines. */
export function probeHeaders(p: Probe): { header: string; line: number }[] {
  const lineOf = lineFinder(p);
  const out = p.includes.map((header, i) => ({ header, line: lineOf('include', i) }));
  if (p.kind === 'header') out.push({ header: p.subject, line: 1 });
  return out;
}

/** Everything after the includes: globals, file-scope construct, the probe function. */
/**
 * A symbol probe without setup lines asks its question inside the probe function when it is
 * part of a batch: gcc reports an identifier undeclared at file scope once per translation
 * unit and then accepts every later use of it, even in other probes' functions; inside a
 * function the report is once per function, and every probe has its own. __typeof__ means the
 * same in both places. The message says "(first use in this function)" there instead of
 * "here (not in a function)"; batch.ts puts the file scope wording back.
 */
export function symbolInFunction(p: Probe): boolean {
  return p.kind === 'symbol' && p.globals.length === 0 && p.body.length === 0;
}

function probeCode(p: Probe, inBatch: boolean, put: (k: number, ...text: string[]) => void): void {
  const lineOf = lineFinder(p);
  let { fileScope, inFunction } = construct(p);
  if (inBatch && symbolInFunction(p)) [fileScope, inFunction] = [[], fileScope];
  p.globals.forEach((g, i) => put(lineOf('global', i), g));
  put(1, ...fileScope, 'void dudforge_probe(void);', 'void dudforge_probe(void)', '{');
  p.body.forEach((b, i) => put(lineOf('body', i), b));
  put(1, ...inFunction, '}');
}

/**
 * The probe module's C text. Every line gets its own `#line`, so a construct of several lines
 * still reports the probe line it came from.
 */
export function probeSource(p: Probe): string {
  const file = JSON.stringify(p.define);
  const out = [`/* generated by dudforge: probe ${p.define} (${p.kind}) */`];
  const put = (k: number, ...text: string[]) => text.forEach((t) => out.push(`#line ${k} ${file}`, t));
  for (const { header, line } of probeHeaders(p)) put(line, `#include <${header}>`);
  probeCode(p, false, put);
  return out.join('\n') + '\n';
}

/** The `#error` text a batch region gives when a header of its probe does not exist. */
export const MISSING_HEADER = 'dudforge-missing-header';

/**
 * The probe as one region of a batch translation unit (batch.ts), kept in a file of its own so
 * that a comment, string or #if it leaves open ends at the end of that file. Its headers are
 * asked for with __has_include first: a missing header would be a fatal error that stops the
 * whole unit, so the region reports it with #error at the include's line instead (and compiles
 * nothing else, as the probe's own module would stop there).
 */
export function probeRegion(p: Probe, n: number): string {
  const file = JSON.stringify(p.define);
  const out = [`/* generated by dudforge: probe ${p.define} (${p.kind}), region ${n} of a batch */`];
  const put = (k: number, ...text: string[]) => text.forEach((t) => out.push(`#line ${k} ${file}`, t));
  const headers = probeHeaders(p);
  headers.forEach(({ header, line }, i) => {
    out.push(`#${i === 0 ? 'if' : 'elif'} !__has_include(<${header}>)`);
    put(line, `#error ${MISSING_HEADER} ${header}`);
  });
  if (headers.length) out.push('#else');
  for (const { header, line } of headers) put(line, `#include <${header}>`);
  const names = ['dudforge_probe', 'dudforge_probe_member', 'dudforge_probe_symbol_t'];
  names.forEach((name) => out.push(`#define ${name} ${name}_${n}`));
  probeCode(p, true, put);
  names.forEach((name) => out.push(`#undef ${name}`));
  if (headers.length) out.push('#endif');
  return out.join('\n') + '\n';
}
