/** Step 1: project name, directory, vendor, author, e-mail. */
import { Box } from 'ink';
import type { WizardState } from '../src/wizard/state.js';
import { ErrorLine, Hints, StepHeader } from './common.js';
import { FormFields } from './FormStep.js';

export function ProjectStep({ state }: { state: WizardState }) {
  return (
    <Box flexDirection="column">
      <StepHeader step={1} />
      <FormFields state={state} placeholders={{ 'project.dir': 'where dudforge.json and the output go', 'project.email': 'optional' , 'project.author': 'optional'}} />
      <ErrorLine error={state.error} />
      <Hints>↑/↓ field · Enter next step · Esc start screen</Hints>
    </Box>
  );
}
