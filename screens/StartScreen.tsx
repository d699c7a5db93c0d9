/**
 * The start screen: saved projects (most recent first, with their step and last result),
 * "New project", and "Try the bundled sample driver".
 */
import { Box, Text } from 'ink';
import { useRef, useState } from 'react';
import { useKeys } from './use-keys.js';
import { lastResultLabel, projectFiles, type ProjectEntry, stepHeader } from '../src/wizard/index.js';
import { ChoiceRow, Hints } from './common.js';

export type StartChoice = { kind: 'resume'; project: ProjectEntry } | { kind: 'forget'; project: ProjectEntry } | { kind: 'delete'; project: ProjectEntry; files: string[] } | { kind: 'new' } | { kind: 'sample' } | { kind: 'quit' };

const MAX_PROJECTS = 10;

export function StartScreen({ projects, onChoose, isActive = true, notice }: { projects: ProjectEntry[]; onChoose: (choice: StartChoice) => void; isActive?: boolean; notice?: string }) {
  const shown = projects.slice(0, MAX_PROJECTS);
  const items: StartChoice[] = [...shown.map((project) => ({ kind: 'resume' as const, project })), { kind: 'new' }, { kind: 'sample' }];
  const [cursor, setCursor] = useState(0);
  // Keys of one burst arrive before a redraw: each moves from where the previous one left it.
  const at = useRef(0);
  const move = (delta: number) => setCursor((at.current = (at.current + delta + items.length) % items.length));
  // `d` on a project: forget it (first question), and only on a second, explicit answer delete
  // the files dudforge wrote there (named before asking).
  const [confirm, setConfirm] = useState<{ project: ProjectEntry; files?: string[] } | undefined>();
  const asking = useRef<typeof confirm>(undefined);
  const ask = (c: typeof confirm) => setConfirm((asking.current = c));
  useKeys(
    (input, key) => {
      const c = asking.current;
      if (c) {
        if (input === 'y' || input === 'Y') onChoose({ kind: 'delete', project: c.project, files: c.files ?? [] });
        else if (!c.files && !c.project.missing && (input === 'f' || input === 'F')) {
          const files = projectFiles(c.project.dir);
          if (files.length) ask({ ...c, files });
        } else if (input === 'n' || input === 'N' || key.escape) ask(undefined);
        return;
      }
      const item = items[at.current];
      if ((input === 'd' || key.delete) && item.kind === 'resume') return ask({ project: item.project });
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
              ? `${p.name.padEnd(20)} ${'⚠ missing'.padEnd(24)} ${(cursor === i ? 'Enter forgets it' : '').padEnd(20)} ${p.dir} (no dudforge.json)`
              : `${p.name.padEnd(20)} ${stepHeader(p.step).padEnd(24)} ${(p.lastResult ? `last build: ${lastResultLabel(p.lastResult)}` : 'not built yet').padEnd(20)} ${p.dir}`}
          </ChoiceRow>
        ))}
        {confirm ? <DeleteQuestion project={confirm.project} files={confirm.files} /> : null}
        {projects.length > MAX_PROJECTS ? <Text dimColor>{`  …and ${projects.length - MAX_PROJECTS} more (dudforge projects)`}</Text> : null}
      </Box>
      <Box marginTop={1} flexDirection="column">
        <ChoiceRow focused={cursor === shown.length}>+ New project</ChoiceRow>
        <ChoiceRow focused={cursor === shown.length + 1}>▶ Try the bundled sample driver</ChoiceRow>
      </Box>
      <Hints>{confirm ? 'answer the question above' : '↑/↓ move · Enter open · d delete · q quit'}</Hints>
    </Box>
  );
}

function DeleteQuestion({ project, files }: { project: ProjectEntry; files?: string[] }) {
  if (!files) {
    return (
      <Box flexDirection="column" marginTop={1}>
        <Text color="yellow">{`Forget "${project.name}" (${project.dir})? Its files stay on disk.`}</Text>
        <Text>{project.missing ? '  y forget it · n/Esc keep it' : '  y forget it · f forget it and delete its files… · n/Esc keep it'}</Text>
      </Box>
    );
  }
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text color="red">{`Delete these files of "${project.name}" from disk? This cannot be undone:`}</Text>
      {files.map((f) => (
        <Text key={f} wrap="truncate-middle">{`  ✖ ${f}`}</Text>
      ))}
      <Text dimColor>{`  Everything else in ${project.dir} stays (sources, keys).`}</Text>
      <Text>{'  y delete them and forget the project · n/Esc keep everything'}</Text>
    </Box>
  );
}
