/** Step 4: the kmod package's metadata, pre-filled from MODULE_LICENSE/DESCRIPTION/VERSION. */
import { Box, Text } from 'ink';
import type { WizardState } from '../src/wizard/index.js';
import { ErrorLine, Hints, StepHeader } from './common.js';
import { FormFields } from './FormStep.js';

export function PackageStep({ state }: { state: WizardState }) {
  const name = state.fields['package.name'].value.trim();
  return (
    <Box flexDirection="column">
      <StepHeader step="package" subtitle={state.defaultsFrom && state.defaultsFrom !== '(saved answers)' ? "defaults read from the driver's MODULE_* lines" : undefined} />
      <FormFields state={state} />
      {name ? <Text dimColor>{`  package: kmod-${name}-<kernel release>, one per kernel (docs/kmod-packages.md)`}</Text> : null}
      <ErrorLine error={state.error} />
      <Hints>↑/↓ field · Enter next · Esc back</Hints>
    </Box>
  );
}
