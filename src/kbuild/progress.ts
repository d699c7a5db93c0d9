/**
 * Reading Kbuild's quiet output (`make` without V=1) one line at a time. Kbuild prints one
 * short line per step (`  CC [M]  /path/obj.o`), and gcc, ld and modpost print their own
 * diagnostics in between; this turns each line into a typed event.
 */

export interface Diagnostic {
  file?: string;
  line?: number;
  column?: number;
  message: string;
  /** The whole line as printed. */
  text: string;
}

export type KbuildLineEvent =
  /** A source file compiled into one of the driver's objects (counts towards progress). */
  | { kind: 'compile'; object: string }
  /** Kbuild's own helper objects (`x.mod.o`, 6.12's `.module-common.o`): not in the object count. */
  | { kind: 'compile-aux'; object: string }
  /** `LD [M]`: a composite object or the final `.ko`. */
  | { kind: 'link'; target: string }
  | { kind: 'modpost'; target: string }
  | { kind: 'btf'; target: string }
  | ({ kind: 'error' } & Diagnostic)
  | ({ kind: 'warning' } & Diagnostic)
  /** `make[N]: *** […] Error N`: make giving up after a failed command. */
  | { kind: 'make-error'; text: string; code?: number }
  /** Other `make:`/`make[N]:` chatter (entering/leaving directory, nothing to be done). */
  | { kind: 'make'; text: string }
  | { kind: 'other'; text: string };

/** gcc/clang/ld diagnostics: `file:line[:col]: [fatal ]error: msg`. */
const DIAG = /^(.+?):(\d+)(?::(\d+))?: (fatal error|error|warning): (.*)$/;

export function parseKbuildLine(raw: string): KbuildLineEvent {
  const text = raw.replace(/\s+$/, '');
  const step = /^\s*(CC|AS|LD|MODPOST|BTF)\s*(\[M\])?\s+(\S+)$/.exec(text);
  if (step) {
    const [, tool, , target] = step;
    if (tool === 'CC' || tool === 'AS') {
      const base = target.slice(target.lastIndexOf('/') + 1);
      if (base.endsWith('.mod.o') || base.startsWith('.')) return { kind: 'compile-aux', object: target };
      return { kind: 'compile', object: target };
    }
    if (tool === 'LD') return { kind: 'link', target };
    if (tool === 'MODPOST') return { kind: 'modpost', target };
    return { kind: 'btf', target };
  }
  const diag = DIAG.exec(text);
  if (diag) {
    const [, file, line, column, level, message] = diag;
    return {
      kind: level === 'warning' ? 'warning' : 'error',
      file,
      line: Number(line),
      column: column === undefined ? undefined : Number(column),
      message,
      text,
    };
  }
  // modpost: `ERROR: modpost: "sym" [/x.ko] undefined!`, `WARNING: modpost: …`
  const modpost = /^(ERROR|WARNING): (.*)$/.exec(text);
  if (modpost) return { kind: modpost[1] === 'ERROR' ? 'error' : 'warning', message: modpost[2], text };
  // Diagnostics without a position: `cc1: error: …`, `ld: error: …`, `warning: the compiler differs …`
  const bare = /^(?:(\S+): )?(fatal error|error|warning): (.*)$/.exec(text);
  if (bare) return { kind: bare[2] === 'warning' ? 'warning' : 'error', file: bare[1], message: bare[3], text };
  const makeLine = /^g?make(?:\[\d+\])?: (.*)$/.exec(text);
  if (makeLine) {
    const err = /^\*\*\* .*Error (\d+)/.exec(makeLine[1]);
    if (err) return { kind: 'make-error', text, code: Number(err[1]) };
    if (/^\*\*\* /.test(makeLine[1])) return { kind: 'make-error', text };
    return { kind: 'make', text };
  }
  return { kind: 'other', text };
}
