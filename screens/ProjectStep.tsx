/** Step 1: project name, directory, vendor, author, e-mail; asks first before replacing a project. */
import { Box, Text } from 'ink';
import { EXISTING_CHOICES, type ExistingProjectPrompt, type WizardState, stepHeader, stepNumber } from '../src/wizard/index.js';
import { ChoiceRow, ErrorLine, Hints, StepHeader } from './common.js';
import { FormFields } from './FormStep.js';

function ExistingQuestion({ prompt }: { prompt: ExistingProjectPrompt }) {
  const what = prompt.name ? `the project "${prompt.name}"` : 'a project';
  const labels: Record<(typeof EXISTING_CHOICES)[number], string> = {
    open: `Open it${prompt.step ? ` (resume at ${stepHeader(Math.min(prompt.step, stepNumber('review')))})` : ''}`,
    overwrite: `Overwrite it: start a new project here (the old dudforge.json is kept as dudforge.json.bak-…${prompt.buildTime !== undefined ? ', its build time is kept' : ''})`,
    another: 'Choose another directory',
  };
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text color="yellow">{`${prompt.dir} already holds ${what} (dudforge.json).`}</Text>
      {EXISTING_CHOICES.map((c, i) => (
        <ChoiceRow key={c} focused={prompt.choice === i}>
          {labels[c]}
        </ChoiceRow>
      ))}
    </Box>
  );
}

export function ProjectStep({ state }: { state: WizardState }) {
  return (
    <Box flexDirection="column">
      <StepHeader step="project" />
      <FormFields state={state} placeholders={{ 'project.dir': 'where dudforge.json and the output go', 'project.email': 'optional', 'project.author': 'optional' }} />
      {state.existing ? <ExistingQuestion prompt={state.existing} /> : null}
      <ErrorLine error={state.error} />
      <Hints>{state.existing ? '↑/↓ move · Enter choose · Esc edit the directory' : '↑/↓ field · Enter next step · Esc start screen'}</Hints>
    </Box>
  );
}
