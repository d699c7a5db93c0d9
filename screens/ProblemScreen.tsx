/**
 * A file we cannot use (corrupt or newer-version dudforge.json or project store): says which
 * file and why, and offers to start fresh with the bad file kept as a backup, or to quit.
 */
import { Box, Text } from 'ink';
import { useRef, useState } from 'react';
import { useKeys } from './use-keys.js';
import { ChoiceRow, Hints } from './common.js';

export function ProblemScreen({ path, problem, onAnswer, isActive = true }: { path: string; problem: string; onAnswer: (startFresh: boolean) => void; isActive?: boolean }) {
  const [cursor, setCursor] = useState(1);
  const at = useRef(1);
  useKeys(
    (input, key) => {
      if (key.upArrow || key.downArrow || key.tab) setCursor((at.current = 1 - at.current));
      else if (key.return) onAnswer(at.current === 0);
      else if (key.escape || input === 'q') onAnswer(false);
    },
    { isActive },
  );
  return (
    <Box flexDirection="column">
      <Text color="red" bold>
        {`✖ ${path} cannot be used`}
      </Text>
      <Text>{`  ${problem}`}</Text>
      <Text dimColor>{'  It was not changed.'}</Text>
      <Box marginTop={1} flexDirection="column">
        <ChoiceRow focused={cursor === 0}>{`Start fresh (the file is kept as ${path}.bak-…)`}</ChoiceRow>
        <ChoiceRow focused={cursor === 1}>Quit and fix it by hand</ChoiceRow>
      </Box>
      <Hints>↑/↓ move · Enter choose</Hints>
    </Box>
  );
}
