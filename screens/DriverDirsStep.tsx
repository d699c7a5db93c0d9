/** Step 3: browse the source tree; each directory shows the modules its Makefile/Kbuild names. */
import { Box, Text } from 'ink';
import { dirRows, type WizardState, sourceRootOf, sourceSpecOf, type SourceSpec } from '../src/wizard/index.js';
import { ChoiceRow, ErrorLine, Hints, StepHeader } from './common.js';

const WINDOW = 14;

function sourceLabel(source: SourceSpec): string {
  if (source.kind === 'dir') return source.path;
  if (source.kind === 'tar') return `tarball ${source.file}`;
  return `git ${source.repo} @ ${source.rev}`;
}

export function DriverDirsStep({ state }: { state: WizardState }) {
  // The user's source, never the temporary skeleton a tarball or git revision is browsed in.
  const root = sourceRootOf(state) ? sourceLabel(sourceSpecOf(state)) : '';
  const rows = dirRows(state);
  const focus = Math.max(0, Math.min(state.focus, rows.length - 1));
  const start = Math.max(0, Math.min(focus - Math.floor(WINDOW / 2), rows.length - WINDOW));
  const shown = rows.slice(start, start + WINDOW);
  const filter = state.fields['dirs.filter'].value;
  return (
    <Box flexDirection="column">
      <StepHeader step="driverDirs" subtitle={root} />
      {!state.tree ? (
        <Text dimColor>{state.treeError ? '' : 'Reading the source tree…'}</Text>
      ) : (
        <Box flexDirection="column">
          <Text>
            <Text dimColor>Filter: </Text>
            {filter ? <Text color="yellow">{filter}</Text> : <Text dimColor>(type to filter)</Text>}
            <Text dimColor>{`   selected: ${state.selectedDirs.length ? state.selectedDirs.join(', ') : 'none'}`}</Text>
          </Text>
          {start > 0 ? <Text dimColor>{`  ↑ ${start} more`}</Text> : null}
          {shown.map((node, i) => {
            const index = start + i;
            const selected = state.selectedDirs.includes(node.rel);
            const open = node.rel === '.' || state.expanded.includes(node.rel) || !!filter;
            const twisty = node.children.length === 0 ? ' ' : open ? '▾' : '▸';
            const focused = index === focus;
            return (
              <Box key={node.rel}>
                <ChoiceRow focused={focused}>{`${selected ? '[x]' : '[ ]'} ${'  '.repeat(node.depth)}${twisty} ${node.rel === '.' ? '. (top)' : node.name}`}</ChoiceRow>
                {node.modules.length ? <Text color="green">{`  ${node.modules.map((m) => `${m}.ko`).join(' ')}`}</Text> : null}
              </Box>
            );
          })}
          {start + WINDOW < rows.length ? <Text dimColor>{`  ↓ ${rows.length - start - WINDOW} more`}</Text> : null}
          {state.tree.truncated ? <Text color="yellow">The tree is large: only part of it is listed; type to filter.</Text> : null}
        </Box>
      )}
      <ErrorLine error={state.treeError ? { message: state.treeError } : state.error} />
      <Hints>↑/↓ move · →/← expand/collapse · space select · type to filter · Enter next · Esc back</Hints>
    </Box>
  );
}
