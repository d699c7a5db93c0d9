/** The text fields of a form step, with the inline error under them. */
import { Box, Text } from 'ink';
import { Fragment } from 'react';
import { FIELD_LABELS, isChoice, stepFields, type WizardState } from '../src/wizard/index.js';
import { TextInputView } from './common.js';

export function FormFields({ state, placeholders = {} }: { state: WizardState; placeholders?: Partial<Record<string, string>> }) {
  const fields = stepFields(state);
  return (
    <Box flexDirection="column">
      {fields.map((key, i) =>
        isChoice(key) ? null : (
          <Fragment key={key}>
            <TextInputView label={FIELD_LABELS[key]} field={state.fields[key]} focused={state.focus === i} placeholder={placeholders[key]} />
            {state.focus === i && state.completions ? <Completions names={state.completions} /> : null}
          </Fragment>
        ),
      )}
    </Box>
  );
}

/** What Tab found when it could add nothing: the matches on one line (cut to the width), or that none match. */
export function Completions({ names }: { names: string[] }) {
  return (
    <Text dimColor wrap="truncate-end">
      {names.length ? `  ${names.join('  ')}` : '  (no match)'}
    </Text>
  );
}
