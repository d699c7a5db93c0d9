/** Small pieces every screen uses: the step header, a text field, the inline error, key hints. */
import { Box, Text } from 'ink';
import { createContext, useContext, type ReactNode } from 'react';
import { stepHeader, type StepId, type TextField, colorOn } from '../src/wizard/index.js';

export function StepHeader({ step, subtitle }: { step: StepId; subtitle?: string }) {
  return (
    <Box marginBottom={1}>
      <Text bold color="cyan">
        {stepHeader(step)}
      </Text>
      {subtitle ? <Text dimColor>{`  ${subtitle}`}</Text> : null}
    </Box>
  );
}

/**
 * A text field. The cursor is an inverse cell while focused; without colour (NO_COLOR,
 * FORCE_COLOR=0, a dumb terminal) inverse is not drawn, so a `▏` stands where the cursor is.
 */
export function TextInputView({ label, field, focused, width = 16, placeholder }: { label: string; field: TextField; focused: boolean; width?: number; placeholder?: string }) {
  const { value, cursor } = field;
  const marker = focused ? '❯' : ' ';
  const plain = !colorOn();
  let body: ReactNode;
  if (!focused) body = value ? <Text>{value}</Text> : <Text dimColor>{placeholder ?? ''}</Text>;
  else {
    const at = Math.min(cursor, value.length);
    body = plain ? (
      <Text>
        {value.slice(0, at)}
        {CURSOR}
        {value.slice(at)}
        {!value && placeholder ? <Text dimColor>{placeholder}</Text> : null}
      </Text>
    ) : (
      <Text>
        {value.slice(0, at)}
        <Text inverse>{value[at] ?? ' '}</Text>
        {value.slice(at + 1)}
        {!value && placeholder ? <Text dimColor>{placeholder}</Text> : null}
      </Text>
    );
  }
  return (
    <Box>
      <Text color={focused ? 'cyan' : undefined} bold={focused}>{`${marker} ${label.padEnd(width)}`}</Text>
      {body}
    </Box>
  );
}

/** The text cursor drawn without colour. */
export const CURSOR = '▏';

/** One row of a list or menu: `❯` marks the focused row, so it shows without colour too. */
export function ChoiceRow({ focused, children, dim = false }: { focused: boolean; children: ReactNode; dim?: boolean }) {
  return (
    <Text color={focused ? 'cyan' : undefined} bold={focused} dimColor={dim} wrap="truncate-end">
      {focused ? '❯ ' : '  '}
      {children}
    </Text>
  );
}

export function ErrorLine({ error }: { error?: { field?: string; message: string } }) {
  if (!error) return null;
  return (
    <Box marginTop={1}>
      <Text color="red">{`✖ ${error.message}`}</Text>
    </Box>
  );
}

/** The help key the hints end with (`? help`, or `F1 help` in a text field), where help opens. */
export const HelpHint = createContext<string | undefined>(undefined);

export function Hints({ children }: { children: string }) {
  const help = useContext(HelpHint);
  return (
    <Box marginTop={1}>
      <Text dimColor>{help ? `${children} · ${help}` : children}</Text>
    </Box>
  );
}

/** Quote a path for a shell command line shown to the user. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:+@%=-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
