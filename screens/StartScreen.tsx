/**
 * The start screen: saved projects (most recent first, with their step and last result),
 * "New project", and "Try the bundled sample driver".
 */
import { Box, Text } from 'ink';
import { useRef, useState } from 'react';
import { useKeys } from './use-keys.js';
import { lastResultLabel, type ProjectEntry, stepHeader } from '../src/wizard/index.js';
import { ChoiceRow, Hints } from './common.js';

export type StartChoice = { kind: 'resume'; project: ProjectEntry } | { kind: 'forget'; project: ProjectEntry } | { kind: 'new' } | { kind: 'sample' } | { kind: 'quit' };

const MAX_PROJECTS = 10;

export function StartScreen({ projects, onChoose, isActive = true, notice }: { projects: ProjectEntry[]; onChoose: (choice: StartChoice) => void; isActive?: boolean; notice?: string }) {
  const shown = projects.slice(0, MAX_PROJECTS);
  const items: StartChoice[] = [...shown.map((project) => ({ kind: 'resume' as const, project })), { kind: 'new' }, { kind: 'sample' }];
  const [cursor, setCursor] = useState(0);
  // Keys of one burst arrive before a redraw: each moves from where the previous one left it.
  const at = useRef(0);
  const move = (delta: number) => setCursor((at.current = (at.current + delta + items.length) % items.length));
  useKeys(
    (input, key) => {
      if (key.upArrow) move(-1);
      else if (key.downArrow || key.tab) move(1);
      else if (key.return) {
        const item = items[at.current];
        // A project whose directory is gone is not opened (it would be a blank step 1): forgotten.
        onChoose(item.kind === 'resume' && item.project.missing ? { kind: 'forget', project: item.project } : item);
      }
      else if (key.escape || input === 'q') onChoose({ kind: 'quit' });
    },
    { isActive },
  );
  return (
    <Box flexDirection="column">
      <Text bold color="cyan">
        dudforge — kernel driver sources to kmod RPMs and a driver update disk
      </Text>
      {notice ? <Text color="yellow">{notice}</Text> : null}
      <Box marginTop={1} flexDirection="column">
        {shown.length ? <Text bold>Saved projects</Text> : <Text dimColor>No saved projects yet.</Text>}
        {shown.map((p, i) => (
          <ChoiceRow key={p.dir} focused={cursor === i}>
            {p.missing
              ? `${p.name.padEnd(20)} ${'missing'.padEnd(24)} ${(cursor === i ? 'Enter forgets it' : '').padEnd(20)} ${p.dir} (no dudforge.json)`
              : `${p.name.padEnd(20)} ${stepHeader(p.step).padEnd(24)} ${(p.lastResult ? `last build: ${lastResultLabel(p.lastResult)}` : 'not built yet').padEnd(20)} ${p.dir}`}
          </ChoiceRow>
        ))}
        {projects.length > MAX_PROJECTS ? <Text dimColor>{`  …and ${projects.length - MAX_PROJECTS} more (dudforge projects)`}</Text> : null}
      </Box>
      <Box marginTop={1} flexDirection="column">
        <ChoiceRow focused={cursor === shown.length}>+ New project</ChoiceRow>
        <ChoiceRow focused={cursor === shown.length + 1}>▶ Try the bundled sample driver</ChoiceRow>
      </Box>
      <Hints>↑/↓ move · Enter open · q quit</Hints>
    </Box>
  );
}
