/** Step 2: where the driver comes from; kinds the engine cannot use here are dimmed with why. */
import { Box, Text } from 'ink';
import type { WizardState } from '../src/wizard/index.js';
import { ErrorLine, Hints, StepHeader } from './common.js';
import { FormFields } from './FormStep.js';

export function SourceStep({ state }: { state: WizardState }) {
  const onKind = state.focus === 0;
  return (
    <Box flexDirection="column">
      <StepHeader step="source" />
      <Text color={onKind ? 'cyan' : undefined}>{`${onKind ? '❯' : ' '} Source`}</Text>
      {state.sourceKinds.map((k) => {
        const chosen = k.kind === state.sourceKind;
        const mark = chosen ? '(•)' : '( )';
        return (
          <Box key={k.kind} marginLeft={4}>
            {k.available ? (
              <Text bold={chosen}>{`${mark} ${k.label}`}</Text>
            ) : (
              <Text dimColor>{`${mark} ${k.label} — unavailable: ${k.why ?? ''}`}</Text>
            )}
          </Box>
        );
      })}
      <Box marginTop={1}>
        <FormFields state={state} placeholders={{ 'source.path': 'module directory, or the top of a kernel source tree', 'source.rev': 'branch, tag or commit' }} />
      </Box>
      <ErrorLine error={state.error} />
      <Hints>↑/↓ field · ←/→ or space choose the kind · Enter next · Esc back</Hints>
    </Box>
  );
}
