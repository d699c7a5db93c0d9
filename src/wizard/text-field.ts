/**
 * A single-line text field written as a pure state machine (value + cursor), because Ink 6
 * delivers a burst of keys as one string: raw DEL bytes or a `\r` can land inside what looks
 * like typed text. Control characters never reach the value.
 */
export interface TextField {
  value: string;
  cursor: number;
}

export type TextEdit =
  | { type: 'insert'; text: string }
  /** Backspace and Delete both erase the character before the cursor (terminals disagree on which is which). */
  | { type: 'erase' }
  | { type: 'erase-word' }
  | { type: 'left' }
  | { type: 'right' }
  | { type: 'home' }
  | { type: 'end' }
  | { type: 'clear' };

// C0 controls, DEL and C1 controls; ESC sequences are removed whole first.
const ESCAPE_SEQUENCE = /\u001B(\[[0-9;?]*[ -/]*[@-~]|[@-_])?/g;
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/g;

export function stripControl(text: string): string {
  return text.replace(ESCAPE_SEQUENCE, '').replace(CONTROL, '');
}

export function textField(value = ''): TextField {
  const clean = stripControl(value);
  return { value: clean, cursor: clean.length };
}

export function editText(field: TextField, edit: TextEdit): TextField {
  const { value } = field;
  const cursor = Math.min(Math.max(field.cursor, 0), value.length);
  switch (edit.type) {
    case 'insert': {
      const text = stripControl(edit.text);
      if (!text) return field;
      return { value: value.slice(0, cursor) + text + value.slice(cursor), cursor: cursor + text.length };
    }
    case 'erase':
      if (cursor === 0) return field;
      return { value: value.slice(0, cursor - 1) + value.slice(cursor), cursor: cursor - 1 };
    case 'erase-word': {
      const before = value.slice(0, cursor).replace(/\S+\s*$/, '');
      return { value: before + value.slice(cursor), cursor: before.length };
    }
    case 'left':
      return { value, cursor: Math.max(0, cursor - 1) };
    case 'right':
      return { value, cursor: Math.min(value.length, cursor + 1) };
    case 'home':
      return { value, cursor: 0 };
    case 'end':
      return { value, cursor: value.length };
    case 'clear':
      return { value: '', cursor: 0 };
  }
}
