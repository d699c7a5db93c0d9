/** Step 5: the detected kernel build trees (usable or why not), plus "add a build tree by path". */
import { Box, Text } from 'ink';
import type { WizardState } from '../src/wizard/index.js';
import { ChoiceRow, ErrorLine, Hints, StepHeader, TextInputView } from './common.js';
import { Completions } from './FormStep.js';

export function KernelsStep({ state }: { state: WizardState }) {
  const kernels = state.kernels;
  return (
    <Box flexDirection="column">
      <StepHeader step="kernels" />
      {!kernels ? (
        <Text dimColor>Looking for kernel build trees…</Text>
      ) : (
        <Box flexDirection="column">
          {kernels.length === 0 ? <Text color="yellow">No kernel build tree found on this machine: add one by path.</Text> : null}
          {kernels.map((k, i) => {
            const focused = state.focus === i;
            const selected = state.selectedKernels.includes(k.path);
            const label = `${selected ? '[x]' : '[ ]'} ${(k.release ?? '(unknown release)').padEnd(28)} ${(k.arch ?? '').padEnd(8)} ${k.path}`;
            return (
              <ChoiceRow key={k.path} focused={focused} dim={!k.usable}>
                {k.usable ? label : `${label}  ✖ ${k.reason ?? 'not usable'}`}
              </ChoiceRow>
            );
          })}
          <ChoiceRow focused={state.focus === kernels.length && !state.addingKernel}>+ Add a build tree by path…</ChoiceRow>
          {state.addingKernel ? <TextInputView label="Build tree" field={state.fields['kernels.add']} focused placeholder="e.g. /usr/src/kernels/5.14.0-427.el9.x86_64" /> : null}
          {state.addingKernel && state.completions ? <Completions names={state.completions} /> : null}
          {state.kernelToAdd ? <Text dimColor>{`  Inspecting ${state.kernelToAdd}…`}</Text> : null}
        </Box>
      )}
      <ErrorLine error={state.error} />
      <Hints>{state.addingKernel ? 'type a path · Tab complete · Enter add · Esc cancel' : '↑/↓ move · space select · Enter next · Esc back'}</Hints>
    </Box>
  );
}
