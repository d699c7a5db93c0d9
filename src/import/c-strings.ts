/**
 * Just enough of the C preprocessor to read the string a driver passes to MODULE_LICENSE and
 * friends: comments, line continuations, string literals with escapes, adjacent literal
 * concatenation, object-like `#define NAME "text"` macros and `__stringify(X)`. Anything else
 * (a function call, an arithmetic expression) gives up, so a wrong default is never invented.
 */

/** Translation phases 2 and 3: splice continued lines, then replace comments with a space. */
export function stripComments(src: string): string {
  const text = src.replace(/\\\r?\n/g, '');
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    const next = text[i + 1];
    if (c === '"' || c === "'") {
      const end = literalEnd(text, i);
      out += text.slice(i, end);
      i = end;
    } else if (c === '/' && next === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += ' ';
    } else if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      const body = text.slice(i, end < 0 ? text.length : end + 2);
      // Keep the newlines so that #define lines stay where they were.
      out += ' ' + body.replace(/[^\n]/g, '');
      i = end < 0 ? text.length : end + 2;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Index just past the string or character literal that opens at `start`. */
function literalEnd(text: string, start: number): number {
  const quote = text[start];
  let i = start + 1;
  while (i < text.length && text[i] !== quote && text[i] !== '\n') i += text[i] === '\\' ? 2 : 1;
  return Math.min(i + 1, text.length);
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', '\\': '\\', '"': '"', "'": "'", '?': '?' };

/** The value of a C string literal's body (between the quotes). */
export function unescapeC(body: string): string {
  return body.replace(/\\(x[0-9a-fA-F]+|[0-7]{1,3}|.)/g, (_, e: string) => {
    if (e[0] === 'x') return String.fromCharCode(parseInt(e.slice(1), 16));
    if (/^[0-7]/.test(e)) return String.fromCharCode(parseInt(e, 8));
    return ESCAPES[e] ?? e;
  });
}

/** Object-like `#define NAME body` lines of a comment-free source text (first one wins). */
export function collectDefines(cleanSrc: string, into = new Map<string, string>()): Map<string, string> {
  for (const m of cleanSrc.matchAll(/^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)(?!\()(?:[ \t]+(.*))?$/gm)) {
    if (!into.has(m[1])) into.set(m[1], (m[2] ?? '').trim());
  }
  return into;
}

/**
 * Expand object-like macros in `text` textually (for __stringify), depth-limited. Numbers are
 * pp-numbers (`1.2rc1` is one token). Undefined if a macro-style name (upper case, like
 * SNAPSHOT_VERSION) stays unexpanded: its definition lives where we cannot see it (a -D flag
 * of the Makefile, an #ifdef'd header), and the name itself is never the value.
 */
function expandText(text: string, defines: Map<string, string>, depth: number): string | undefined {
  if (depth > 10) return undefined;
  let unknown = false;
  const out = text.replace(/\.?\d(?:[eEpP][+-]|[\w.])*|[A-Za-z_]\w*/g, (tok) => {
    if (!/^[A-Za-z_]/.test(tok)) return tok;
    const body = defines.get(tok);
    if (body === undefined) {
      if (/^[A-Z_][A-Z0-9_]*$/.test(tok) && /[A-Z]/.test(tok)) unknown = true;
      return tok;
    }
    const expanded = expandText(body, defines, depth + 1);
    if (expanded === undefined) unknown = true;
    return expanded ?? tok;
  });
  return unknown ? undefined : out;
}

/**
 * Evaluate an expression that should be a string: adjacent literals, macros naming literals,
 * `__stringify(X)`. Returns undefined for anything else.
 */
export function evalCString(expr: string, defines: Map<string, string>, depth = 0): string | undefined {
  if (depth > 10) return undefined;
  let e = expr.trim();
  while (e.startsWith('(') && matchParen(e, 0) === e.length - 1) e = e.slice(1, -1).trim();
  if (e === '') return undefined;
  let out = '';
  let i = 0;
  const literal = /(?:L|u8|u|U)?"((?:[^"\\\n]|\\.)*)"/y;
  const ident = /[A-Za-z_]\w*/y;
  while (i < e.length) {
    if (/\s/.test(e[i])) {
      i++;
      continue;
    }
    literal.lastIndex = i;
    const lit = literal.exec(e);
    if (lit) {
      out += unescapeC(lit[1]);
      i = literal.lastIndex;
      continue;
    }
    ident.lastIndex = i;
    const id = ident.exec(e);
    if (!id) return undefined;
    i = ident.lastIndex;
    const name = id[0];
    const open = e.slice(i).search(/\S/) + i;
    if ((name === '__stringify' || name === 'stringify') && e[open] === '(') {
      const close = matchParen(e, open);
      if (close < 0) return undefined;
      const text = expandText(e.slice(open + 1, close), defines, depth);
      if (text === undefined || text.trim() === '') return undefined;
      out += text.trim().replace(/\s+/g, ' ');
      i = close + 1;
    } else if (defines.has(name)) {
      const v = evalCString(defines.get(name)!, defines, depth + 1);
      if (v === undefined) return undefined;
      out += v;
    } else return undefined;
  }
  return out;
}

/** Index of the `)` matching the `(` at `open`, skipping string literals; -1 when unbalanced. */
export function matchParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'") {
      i = literalEnd(text, i) - 1;
    } else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return -1;
}

/** The argument texts of every `NAME(…)` invocation in a comment-free source (not in #define lines). */
export function macroArguments(cleanSrc: string, name: string): string[] {
  const args: string[] = [];
  const re = new RegExp(`\\b${name}\\s*\\(`, 'g');
  let m: RegExpExecArray | null;
  while ((m = re.exec(cleanSrc)) !== null) {
    const lineStart = cleanSrc.lastIndexOf('\n', m.index) + 1;
    if (/^\s*#/.test(cleanSrc.slice(lineStart, m.index))) continue;
    const open = m.index + m[0].length - 1;
    const close = matchParen(cleanSrc, open);
    if (close < 0) break;
    args.push(cleanSrc.slice(open + 1, close));
    re.lastIndex = close + 1;
  }
  return args;
}
