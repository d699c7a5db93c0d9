/**
 * The end of a build that did not fully succeed, in place of Done: what failed (the same
 * FailureReport the CLI's summary prints), each failed kernel's first compiler error and known
 * API change, its full log one key away (`l`), and what to do next: retry, write the disk with
 * the kernels that built, back to Review, or quit. It reads its own keys (the steps' are off).
 */
import { Box, Text, useStdout } from 'ink';
import { readFileSync } from 'node:fs';
import { useMemo, useState } from 'react';
import { clampTop, failureActions, failureReport, firstErrorTop, fullLayoutRows, logRows, logFileWindow, scrollLogTop, type BuildOutcome, type FailureReport, type KernelFailure } from '../src/wizard/index.js';
import { ChoiceRow } from './common.js';
import { useKeys } from './use-keys.js';

export interface FailureScreenProps {
  result: BuildOutcome;
  onRetry(): void;
  onWritePartial(): void;
  onBack(): void;
  /** Leave the wizard with this exit code (1, or 130 for Ctrl-C). */
  onQuit(code: number): void;
}

/** The failure screen is shown for a result that is neither a success nor a cancel. */
export function isFailedBuild(result: BuildOutcome | undefined): result is BuildOutcome {
  return !!result && failureReport(result) !== undefined;
}

function readLog(path: string): string[] {
  try {
    return readFileSync(path, 'utf8').replace(/\n$/, '').split('\n');
  } catch (err) {
    return [`(cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`];
  }
}

export function FailureScreen({ result, onRetry, onWritePartial, onBack, onQuit }: FailureScreenProps) {
  const report = useMemo(() => failureReport(result)!, [result]);
  const { stdout } = useStdout();
  const columns = stdout.columns || 80;
  const rows = stdout.rows || 24;
  const [focus, setFocus] = useState(0);
  const [log, setLog] = useState<{ release: string; top: number } | undefined>(undefined);
  const focused: KernelFailure | undefined = report.failed[Math.min(focus, report.failed.length - 1)];
  const logKernel = log ? report.failed.find((f) => f.release === log.release) : undefined;
  const logLines = useMemo(() => (logKernel ? logRows(readLog(logKernel.logFile), columns) : []), [logKernel, columns]);
  // The title, the pane's header and its hint line stay; the log gets the rest.
  const logHeight = Math.max(3, rows - 5);

  useKeys((input, key) => {
    if (key.ctrl && input === 'c') return onQuit(130);
    if (log) {
      if (key.escape || input === 'l' || input === 'q') return setLog(undefined);
      const top = scrollLogTop(logLines.length, logHeight, log.top, key);
      if (top !== undefined) setLog({ ...log, top });
      return;
    }
    if (key.upArrow) setFocus((f) => Math.max(0, f - 1));
    else if (key.downArrow) setFocus((f) => Math.min(Math.max(0, report.failed.length - 1), f + 1));
    else if (input === 'l' && focused) setLog({ release: focused.release, top: firstErrorTop(logRows(readLog(focused.logFile), columns), logHeight) });
    else if (input === 'r') onRetry();
    else if (input === 'w' && report.canWritePartial) onWritePartial();
    else if (key.escape) onBack();
    else if (input === 'q' || key.return) onQuit(result.exitCode || 1);
  });

  if (log && logKernel) {
    const view = logFileWindow(logLines, logHeight, clampTop(logLines.length, logHeight, log.top));
    return (
      <Box flexDirection="column" width={columns}>
        <Text bold wrap="truncate-end">{`Log of ${logKernel.release}  rows ${view.top + 1}–${view.top + view.lines.length} of ${logLines.length}`}</Text>
        <Text dimColor wrap="truncate-middle">{logKernel.logFile}</Text>
        {view.lines.map((line, i) => (
          <Text key={view.top + i} wrap="truncate-end" color={/\berror\b/i.test(line) ? 'red' : undefined}>
            {line || ' '}
          </Text>
        ))}
        <Text dimColor wrap="truncate-end">↑/↓ PgUp/PgDn Home/End scroll · Esc or l closes the log</Text>
      </Box>
    );
  }

  // A short terminal: the focused kernel in full, the others one row each, the actions one line.
  if (fullLayoutRows(report, columns) > rows - 1) {
    const actions = failureActions(report, focused?.release);
    return (
      <Box flexDirection="column" width={columns}>
        <Text bold color="red" wrap="truncate-end">{`✖ ${report.title}`}</Text>
        <Outcome report={report} compact />
        {report.problems.map((p, i) => (
          <Text key={i} color="red" wrap="truncate-end">{`  ${p}`}</Text>
        ))}
        {report.failed.map((f, i) =>
          i === focus ? (
            <Box key={f.release} flexDirection="column">
              <ChoiceRow focused>{`✖ ${f.release}`}</ChoiceRow>
              <Box paddingLeft={4} flexDirection="column">
                <Text color="red">{f.firstError}</Text>
                {f.knownChanges.map((c, j) => (
                  <Text key={j} color="yellow" wrap="truncate-end">{c}</Text>
                ))}
                <Text dimColor wrap="truncate-middle">{`log: ${f.logFile}`}</Text>
              </Box>
            </Box>
          ) : (
            <ChoiceRow key={f.release} focused={false}>{`✖ ${f.release}  ${f.firstError}`}</ChoiceRow>
          ),
        )}
        {report.built.length ? <Text color="green" wrap="truncate-end">{`  ✔ built: ${report.built.join(', ')}`}</Text> : null}
        <Box marginTop={1}>
          <Text>
            {actions.map((a, i) => (
              <Text key={a.key}>
                {i ? ' · ' : ''}
                <Text bold color="cyan">{a.key}</Text>
                {` ${a.short}`}
              </Text>
            ))}
            {report.failed.length > 1 ? <Text dimColor>{' · ↑/↓ kernel'}</Text> : null}
          </Text>
        </Box>
      </Box>
    );
  }

  return (
    <Box flexDirection="column" width={columns}>
      <Text bold color="red" wrap="truncate-end">{`✖ ${report.title}`}</Text>
      <Outcome report={report} />
      {report.problems.map((p, i) => (
        <Box key={i} paddingLeft={2}>
          <Text color="red">{p}</Text>
        </Box>
      ))}
      {report.failed.map((f, i) => (
        <Box key={f.release} flexDirection="column" marginTop={1}>
          <ChoiceRow focused={i === focus}>{`✖ ${f.release}`}</ChoiceRow>
          <Box paddingLeft={4} flexDirection="column">
            <Text color="red">{f.firstError}</Text>
            {f.knownChanges.map((c, j) => (
              <Text key={j} color="yellow">{c}</Text>
            ))}
            <Text dimColor wrap="truncate-middle">{`log: ${f.logFile}`}</Text>
          </Box>
        </Box>
      ))}
      {report.built.length ? (
        <Box flexDirection="column" marginTop={1}>
          {report.built.map((b) => (
            <Text key={b} color="green" wrap="truncate-end">{`  ✔ ${b} built`}</Text>
          ))}
        </Box>
      ) : null}
      <Box flexDirection="column" marginTop={1}>
        {failureActions(report, focused?.release).map((a) => (
          <Box key={a.key}>
            <Box width={6} flexShrink={0}>
              <Text bold color="cyan">{`  ${a.key}`}</Text>
            </Box>
            <Text>{a.label}</Text>
          </Box>
        ))}
        {report.failed.length > 1 ? <Text dimColor wrap="truncate-end">{'  ↑/↓ chooses the kernel whose log l opens'}</Text> : null}
      </Box>
    </Box>
  );
}

/** What was written: nothing (out/ as before), or a disk that lacks the failed kernels. */
function Outcome({ report, compact = false }: { report: FailureReport; compact?: boolean }) {
  if (report.partialDisk && compact) {
    return (
      <Box paddingLeft={2}>
        <Text>{`Partial disk (PARTIAL-BUILD.txt): ${report.partialDisk}`}</Text>
      </Box>
    );
  }
  if (compact) return <Text dimColor wrap="truncate-end">{'  No driver disk was written: the output directory is as it was.'}</Text>;
  if (report.partialDisk) {
    return (
      <Box flexDirection="column" paddingLeft={2}>
        <Text>{`Driver disk (partial): ${report.partialDisk}`}</Text>
        <Text dimColor>{`It lacks ${report.failed.map((f) => f.release).join(', ')}; PARTIAL-BUILD.txt beside it says so.`}</Text>
      </Box>
    );
  }
  return (
    <Box paddingLeft={2}>
      <Text dimColor>No driver disk was written: the output directory is as it was before this run.</Text>
    </Box>
  );
}
