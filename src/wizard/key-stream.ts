/**
 * Terminal input as a stream of keys. A terminal hands over whatever arrived in one read: a
 * paste, a fast typist or an SSH link deliver several keys at once ("abc\tdef", an arrow key
 * followed by text), and Ink 6 gives such a chunk to its handlers as one "key". Here a chunk is
 * split into keys (runs of printable text, escape sequences, control characters), and each is
 * described the way Ink describes a single key, so it can be handled one at a time.
 */

/** One key, described the way Ink describes it (the flags a key sets; printable text goes in `input`). */
export type KeyInfo = Partial<Record<'upArrow' | 'downArrow' | 'leftArrow' | 'rightArrow' | 'return' | 'escape' | 'ctrl' | 'shift' | 'tab' | 'backspace' | 'delete' | 'home' | 'end' | 'meta' | 'pageUp' | 'pageDown' | 'f1', boolean>>;

export interface KeyPress {
  /** The text of a printable key (a run of them), or the letter of a Ctrl key; '' otherwise. */
  input: string;
  key: KeyInfo;
}

// CSI (ESC [ params intermediates final), SS3 (ESC O x), or ESC followed by one character.
const ESCAPE = /^\u001B(?:\[[0-9;?<=>]*[ -/]*[@-~]|O[ -~]|[^\u001B])?/;

const CSI_KEYS: Record<string, KeyInfo> = {
  A: { upArrow: true },
  B: { downArrow: true },
  C: { rightArrow: true },
  D: { leftArrow: true },
  H: { home: true },
  F: { end: true },
  Z: { tab: true, shift: true },
  P: { f1: true },
};
const TILDE_KEYS: Record<string, KeyInfo> = {
  '1': { home: true },
  '7': { home: true },
  '4': { end: true },
  '8': { end: true },
  '3': { delete: true },
  '5': { pageUp: true },
  '6': { pageDown: true },
  '11': { f1: true },
};

function escapeKey(seq: string): KeyPress {
  if (seq === '\u001B') return { input: '', key: { escape: true, meta: true } };
  const csi = /^\u001B[[O]([0-9;]*)([@-~])$/.exec(seq);
  if (csi) {
    const [, params, final] = csi;
    const modifier = Number(params.split(';')[1] ?? 1) - 1;
    const mods: KeyInfo = { ...(modifier & 1 ? { shift: true } : {}), ...(modifier & 2 ? { meta: true } : {}), ...(modifier & 4 ? { ctrl: true } : {}) };
    if (final === '~') {
      const k = TILDE_KEYS[params.split(';')[0]];
      return { input: '', key: k ? { ...k, ...mods } : {} };
    }
    const k = CSI_KEYS[final];
    return { input: '', key: k ? { ...k, ...mods } : {} };
  }
  // ESC + a character: Alt/Meta + that key (never typed into a field).
  return { input: seq.slice(1), key: { meta: true } };
}

function controlKey(ch: string): KeyPress {
  switch (ch) {
    case '\r':
    case '\n':
      return { input: '', key: { return: true } };
    case '\t':
      return { input: '', key: { tab: true } };
    case '\u007F':
    case '\b':
      return { input: '', key: { backspace: true } };
    default: {
      const code = ch.charCodeAt(0);
      // Ctrl+A … Ctrl+Z arrive as 1 … 26.
      if (code >= 1 && code <= 26) return { input: String.fromCharCode(code + 96), key: { ctrl: true } };
      return { input: '', key: {} };
    }
  }
}

/** The keys in one chunk of terminal input, in order. A space is a key of its own (it toggles in lists). */
export function splitKeys(chunk: string): KeyPress[] {
  const keys: KeyPress[] = [];
  let i = 0;
  while (i < chunk.length) {
    const ch = chunk[i];
    if (ch === '\u001B') {
      const seq = ESCAPE.exec(chunk.slice(i))![0];
      keys.push(escapeKey(seq));
      i += seq.length;
    } else if (ch < ' ' || ch === '\u007F') {
      keys.push(controlKey(ch));
      i += 1;
    } else if (ch === ' ') {
      keys.push({ input: ' ', key: {} });
      i += 1;
    } else if (ch >= '\u0080' && ch <= '\u009F') {
      keys.push({ input: '', key: {} }); // a C1 control: no key of ours
      i += 1;
    } else {
      let j = i;
      while (j < chunk.length && chunk[j] > ' ' && chunk[j] !== '\u007F' && !(chunk[j] >= '\u0080' && chunk[j] <= '\u009F')) j++;
      keys.push({ input: chunk.slice(i, j), key: {} });
      i = j;
    }
  }
  return keys;
}
