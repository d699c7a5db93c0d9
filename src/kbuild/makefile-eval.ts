/**
 * A small evaluator for the subset of GNU make that driver Makefiles/Kbuild files use to
 * declare objects: assignments (`=`, `:=`, `::=`, `+=`, `?=`), `$(VAR)`/`${VAR}` expansion,
 * line continuations, comments and `ifeq/ifneq/ifdef/ifndef/else/endif`. Rules and their
 * recipes are skipped. Functions like `$(shell …)` are left unexpanded (callers drop
 * tokens that still contain `$`).
 *
 * Conditionals: a condition that can be decided (it only names CONFIG_ symbols of the given
 * config, variables of the file itself, or KERNELRELEASE, which Kbuild always sets) picks its
 * branch. One that cannot be decided (e.g. `ifeq ($(ARCH),x86)`, or a CONFIG_ test when no
 * config is given) takes BOTH branches: for progress an estimate that overshoots by an object
 * is harmless, while missing a module's CONFIG_ symbol would make the build silently skip it.
 */

export interface MakeEvalOptions {
  /** CONFIG_ symbols as the build will see them; undefined = unknown (every symbol reads `m`). */
  config?: Record<string, string>;
  /** Called for each assignment whose *name* mentions a CONFIG_ symbol, with the expanded value. */
  onConfigAssignment?: (symbol: string, expandedName: string, value: string) => void;
}

export interface MakeEvalResult {
  vars: Map<string, string>;
  /** CONFIG_ symbols named in conditions (so callers can report them too). */
  conditionSymbols: string[];
}

type Tri = 'true' | 'false' | 'unknown';

interface Frame {
  /** Some earlier branch of this if/else chain was certainly taken. */
  decided: boolean;
  /** The current branch may be taken. */
  active: boolean;
}

/** Kbuild sets these for every file it reads; their values do not matter, only that they are set. */
const KBUILD_SET = new Set(['KERNELRELEASE', 'src', 'obj', 'srctree', 'objtree', 'M', 'KBUILD_EXTMOD']);

/** Join `\`-continued lines, drop comments, keep line structure otherwise. */
export function logicalLines(text: string): string[] {
  const out: string[] = [];
  let pending = '';
  for (const physical of text.replace(/\r\n/g, '\n').split('\n')) {
    const line = pending ? pending.trimEnd() + ' ' + physical.trimStart() : physical;
    if (/(^|[^\\])(\\\\)*\\$/.test(line)) {
      pending = line.slice(0, -1);
      continue;
    }
    pending = '';
    out.push(stripComment(line));
  }
  if (pending) out.push(stripComment(pending));
  return out;
}

function stripComment(line: string): string {
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\\') i++;
    else if (line[i] === '#') return line.slice(0, i).trimEnd();
  }
  return line.trimEnd();
}

export function evaluateMakefile(text: string, opts: MakeEvalOptions = {}): MakeEvalResult {
  const vars = new Map<string, string>();
  const conditionSymbols = new Set<string>();
  const stack: Frame[] = [];
  let inRule = false;
  const active = () => stack.every((f) => f.active);

  const lookup = (name: string): string | undefined => {
    if (vars.has(name)) return vars.get(name);
    if (name.startsWith('CONFIG_')) return opts.config ? opts.config[name] ?? '' : 'm';
    return undefined;
  };
  const expand = (s: string) => expandVars(s, lookup);
  // In conditions an unknown config must stay unknown (not read as `m`), and KERNELRELEASE is
  // set: Kbuild reads the file with it defined.
  const expandCondition = (s: string) =>
    expandVars(s, (name) => {
      if (name === 'KERNELRELEASE' && !vars.has(name)) return 'kernelrelease';
      if (name.startsWith('CONFIG_') && !opts.config && !vars.has(name)) return undefined;
      return lookup(name);
    });

  const decide = (directive: string, arg: string): Tri => {
    for (const m of arg.matchAll(/CONFIG_[A-Za-z0-9_]+/g)) conditionSymbols.add(m[0]);
    if (directive === 'ifdef' || directive === 'ifndef') {
      const name = expandCondition(arg.trim());
      let set: Tri;
      if (name.startsWith('CONFIG_')) set = opts.config ? (opts.config[name] ? 'true' : 'false') : 'unknown';
      else if (vars.has(name)) set = vars.get(name) ? 'true' : 'false';
      else set = KBUILD_SET.has(name) ? 'true' : 'false';
      return directive === 'ifdef' ? set : negate(set);
    }
    const pair = splitIfeqArgs(arg);
    if (!pair) return 'unknown';
    const a = expandCondition(pair[0]).trim();
    const b = expandCondition(pair[1]).trim();
    const eq: Tri = a.includes('$') || b.includes('$') ? 'unknown' : a === b ? 'true' : 'false';
    return directive === 'ifeq' ? eq : negate(eq);
  };

  const openBranch = (frame: Frame, cond: Tri) => {
    frame.active = !frame.decided && cond !== 'false';
    if (cond === 'true') frame.decided = true;
  };

  for (const line of logicalLines(text)) {
    if (line.trim() === '') continue;
    if (line.startsWith('\t') && inRule) continue; // a recipe
    const trimmed = line.trim();
    const cond = /^(ifeq|ifneq|ifdef|ifndef)\b\s*(.*)$/.exec(trimmed);
    if (cond) {
      inRule = false;
      // Inside an inactive region the condition is not evaluated, only nested.
      const frame: Frame = { decided: false, active: false };
      if (active()) openBranch(frame, decide(cond[1], cond[2]));
      else frame.decided = true;
      stack.push(frame);
      continue;
    }
    const elseM = /^else\b\s*(.*)$/.exec(trimmed);
    if (elseM && stack.length > 0) {
      const frame = stack[stack.length - 1];
      const chained = /^(ifeq|ifneq|ifdef|ifndef)\b\s*(.*)$/.exec(elseM[1]);
      const parentActive = stack.slice(0, -1).every((f) => f.active);
      if (!parentActive) continue;
      openBranch(frame, chained ? decide(chained[1], chained[2]) : 'true');
      continue;
    }
    if (/^endif\b/.test(trimmed)) {
      stack.pop();
      continue;
    }
    if (!active()) continue;
    const assign = /^(?:(?:override|export)\s+)?(.+?)\s*(::=|:=|\+=|\?=|=)\s*(.*)$/.exec(trimmed);
    if (assign && !/[\s:]/.test(assign[1].replace(/\$[({][^)}]*[)}]/g, ''))) {
      inRule = false;
      const [, rawName, op, rawValue] = assign;
      const name = expand(rawName);
      const value = expand(rawValue.trim());
      const symbol = /\$[({](CONFIG_[A-Za-z0-9_]+)[)}]/.exec(rawName)?.[1];
      if (symbol && opts.onConfigAssignment) opts.onConfigAssignment(symbol, name, value);
      if (op === '+=') vars.set(name, [vars.get(name), value].filter(Boolean).join(' '));
      else if (op === '?=') {
        if (!vars.has(name)) vars.set(name, value);
      } else vars.set(name, value);
      continue;
    }
    if (trimmed.includes(':')) {
      inRule = true; // a rule: its recipe lines follow
      continue;
    }
    // include, export VAR, vpath, …: nothing that declares objects
  }
  return { vars, conditionSymbols: [...conditionSymbols] };
}

function negate(t: Tri): Tri {
  return t === 'unknown' ? t : t === 'true' ? 'false' : 'true';
}

/** `(a,b)`, `"a" "b"` or `'a' 'b'` → [a, b]; commas inside $(…) do not split. */
export function splitIfeqArgs(arg: string): [string, string] | undefined {
  const s = arg.trim();
  if (s.startsWith('(') && s.endsWith(')')) {
    const inner = s.slice(1, -1);
    let depth = 0;
    for (let i = 0; i < inner.length; i++) {
      const c = inner[i];
      if (c === '(' || c === '{') depth++;
      else if (c === ')' || c === '}') depth--;
      else if (c === ',' && depth === 0) return [inner.slice(0, i), inner.slice(i + 1)];
    }
    return undefined;
  }
  const q = /^(["'])(.*?)\1\s+(["'])(.*?)\3$/.exec(s);
  return q ? [q[2], q[4]] : undefined;
}

/**
 * Expand `$(NAME)` / `${NAME}` references whose value `lookup` knows; others (functions,
 * unknown variables such as $(src)) stay as written.
 */
export function expandVars(s: string, lookup: (name: string) => string | undefined, depth = 0): string {
  if (depth > 20 || !s.includes('$')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c !== '$' || i + 1 >= s.length) {
      out += c;
      continue;
    }
    const open = s[i + 1];
    if (open === '$') {
      out += '$$';
      i++;
      continue;
    }
    if (open !== '(' && open !== '{') {
      const v = lookup(open);
      out += v ?? '$' + open;
      i++;
      continue;
    }
    const close = open === '(' ? ')' : '}';
    let depthP = 0;
    let j = i + 1;
    for (; j < s.length; j++) {
      if (s[j] === open) depthP++;
      else if (s[j] === close && --depthP === 0) break;
    }
    const inner = s.slice(i + 2, j);
    const name = expandVars(inner, lookup, depth + 1);
    const v = /^[A-Za-z0-9_.\-]+$/.test(name) ? lookup(name) : makeFunction(name);
    out += v !== undefined ? expandVars(v, lookup, depth + 1) : `$${open}${name}${close}`;
    i = j;
  }
  return out;
}

const words = (s: string) => s.split(/\s+/).filter(Boolean);

/** `%` pattern of patsubst/filter: one `%` matching any run of characters. */
function patternMatch(pattern: string, word: string): string | undefined {
  const pct = pattern.indexOf('%');
  if (pct < 0) return pattern === word ? '' : undefined;
  const pre = pattern.slice(0, pct);
  const post = pattern.slice(pct + 1);
  if (word.length < pre.length + post.length || !word.startsWith(pre) || !word.endsWith(post)) return undefined;
  return word.slice(pre.length, word.length - post.length);
}

/**
 * The text functions object lists use (`$(addprefix dir/, a.o b.o)`), applied to arguments
 * that are already expanded. Anything with unexpanded references left, or another function
 * (`shell`, `wildcard`), stays unknown.
 */
function makeFunction(call: string): string | undefined {
  const m = /^(addprefix|addsuffix|patsubst|subst|strip|sort|filter|filter-out|notdir)\s+(.*)$/s.exec(call);
  if (!m || m[2].includes('$')) return undefined;
  const args = m[2].split(',');
  const [a = '', b = '', c = ''] = args;
  switch (m[1]) {
    case 'addprefix':
      return words(b).map((w) => a.trim() + w).join(' ');
    case 'addsuffix':
      return words(b).map((w) => w + a.trim()).join(' ');
    case 'patsubst':
      return words(c)
        .map((w) => {
          const stem = patternMatch(a.trim(), w);
          return stem === undefined ? w : b.trim().replace('%', stem);
        })
        .join(' ');
    case 'subst':
      return c.split(a).join(b);
    case 'strip':
      return words(args.join(',')).join(' ');
    case 'sort':
      return [...new Set(words(args.join(',')))].sort().join(' ');
    case 'filter':
    case 'filter-out': {
      const pats = words(a);
      const keep = (w: string) => pats.some((p) => patternMatch(p, w) !== undefined);
      return words(b)
        .filter((w) => (m[1] === 'filter' ? keep(w) : !keep(w)))
        .join(' ');
    }
    case 'notdir':
      return words(args.join(',')).map((w) => w.slice(w.lastIndexOf('/') + 1)).join(' ');
  }
  return undefined;
}
