/** The help overlay (`?` or F1): what this screen is for and its keys. Esc, `?` or F1 close it. */
import { Box, Text } from 'ink';
import { helpFor, stepHeader, type HelpScreen } from '../src/wizard/index.js';
import { HelpHint, Hints } from './common.js';

export function HelpOverlay({ screen }: { screen: HelpScreen }) {
  const help = helpFor(screen);
  const width = Math.max(...help.keys.map(([k]) => k.length)) + 2;
  return (
    <Box flexDirection="column">
      <Box marginBottom={1}>
        <Text bold color="cyan">{`Help — ${screen === 'start' ? 'start screen' : stepHeader(screen)}`}</Text>
      </Box>
      <Text>{help.purpose}</Text>
      <Box marginTop={1} flexDirection="column">
        {help.keys.map(([k, what]) => (
          <Text key={k} wrap="truncate-end">
            <Text bold>{`  ${k.padEnd(width)}`}</Text>
            {what}
          </Text>
        ))}
        <Text wrap="truncate-end">
          <Text bold>{`  ${'? F1'.padEnd(width)}`}</Text>
          {'this help (in a text field ? types a ?; F1 always opens it)'}
        </Text>
        <Text wrap="truncate-end">
          <Text bold>{`  ${'Ctrl-C'.padEnd(width)}`}</Text>
          {'leave; every answered step is saved'}
        </Text>
      </Box>
      <HelpHint.Provider value={undefined}>
        <Hints>Esc or ? close the help</Hints>
      </HelpHint.Provider>
    </Box>
  );
}
