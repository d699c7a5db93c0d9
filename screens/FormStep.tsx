/** The text fields of a form step, with the inline error under them. */
import { Box } from 'ink';
import { FIELD_LABELS, isChoice, stepFields, type WizardState } from '../src/wizard/index.js';
import { TextInputView } from './common.js';

export function FormFields({ state, placeholders = {} }: { state: WizardState; placeholders?: Partial<Record<string, string>> }) {
  const fields = stepFields(state);
  return (
    <Box flexDirection="column">
      {fields.map((key, i) =>
        isChoice(key) ? null : (
          <TextInputView key={key} label={FIELD_LABELS[key]} field={state.fields[key]} focused={state.focus === i} placeholder={placeholders[key]} />
        ),
      )}
    </Box>
  );
}
