/** Modules: which of the driver directory's modules to package, with what each target kernel says about them. */
import { Box, Text } from 'ink';
import { chosenModuleList, moduleDirOf, type ModuleNote, type WizardState } from '../src/wizard/index.js';
import { ChoiceRow, ErrorLine, Hints, StepHeader } from './common.js';

/** Modules shown at once (a kernel directory may build dozens); the list scrolls with the focus. */
const WINDOW = 10;

function noteText(n: ModuleNote): string {
  if (n.state === 'disabled') return `${n.release}: disabled — ${n.detail}`;
  return `${n.release}: inbox — ${n.detail}; this disk replaces it (its copy wins: depmod override)`;
}

export function ModulesStep({ state }: { state: WizardState }) {
  const report = state.moduleReport;
  const chosen = chosenModuleList(state);
  const dir = moduleDirOf(state);
  const all = report?.modules ?? [];
  const focus = Math.max(0, Math.min(state.focus, all.length - 1));
  const start = Math.max(0, Math.min(focus - Math.floor(WINDOW / 2), all.length - WINDOW));
  const shown = all.slice(start, start + WINDOW);
  return (
    <Box flexDirection="column">
      <StepHeader step="modules" subtitle={dir === '.' ? undefined : dir} />
      {!report ? (
        <Text dimColor>Reading the modules and the target kernels' configs…</Text>
      ) : (
        <Box flexDirection="column">
          <Text dimColor>{`${report.modules.length} module${report.modules.length === 1 ? '' : 's'}; ${chosen.length} to package${state.chosenModules ? '' : ' (all, the default)'}`}</Text>
          {start > 0 ? <Text dimColor>{`  ↑ ${start} more`}</Text> : null}
          {shown.map((m, i) => (
            <Box key={m} flexDirection="column">
              <ChoiceRow focused={focus === start + i}>{`${chosen.includes(m) ? '[x]' : '[ ]'} ${m}.ko`}</ChoiceRow>
              {report.notes
                .filter((n) => n.module === m)
                .map((n) => (
                  <Box key={n.release} marginLeft={6}>
                    <Text color={n.state === 'disabled' ? 'yellow' : undefined} dimColor={n.state === 'inbox'}>
                      {noteText(n)}
                    </Text>
                  </Box>
                ))}
            </Box>
          ))}
          {start + WINDOW < all.length ? <Text dimColor>{`  ↓ ${all.length - start - WINDOW} more`}</Text> : null}
        </Box>
      )}
      <ErrorLine error={state.error} />
      <Hints>↑/↓ move · space choose · a all/none · Enter next · Esc back</Hints>
    </Box>
  );
}
