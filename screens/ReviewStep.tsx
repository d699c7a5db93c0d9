/** Step 7: every answer on one screen, where the output goes, and the replay command. */
import { Box, Text } from 'ink';
import { join } from 'node:path';
import { answersPath, answersFromState, extraFilePaths, isoFileName, outputDirOf, type WizardState, projectDirOf, stepNumber } from '../src/wizard/index.js';
import { ErrorLine, Hints, shellQuote, StepHeader } from './common.js';
import { Viewport } from './Viewport.js';

/** One answer on one line: a value wider than the terminal is cut in the middle with … (paths keep both ends). */
function Row({ label, value }: { label: string; value: string }) {
  return (
    <Text wrap="truncate-middle">
      <Text dimColor>{`  ${label.padEnd(20)}`}</Text>
      {value}
    </Text>
  );
}

export function replayCommand(projectDir: string): string {
  return `dudforge build ${shellQuote(projectDir)}`;
}

export function ReviewStep({ state }: { state: WizardState }) {
  const doc = answersFromState(state, 'review');
  const projectDir = projectDirOf(state);
  const p = doc.package;
  const outDir = outputDirOf(doc, projectDir);
  const source = doc.source;
  const sourceText = !source ? '' : source.kind === 'dir' ? source.path : source.kind === 'tar' ? `tarball ${source.file}` : `git ${source.repo} @ ${source.rev}`;
  const signing = doc.signing;
  const signingText = !signing || signing.mode === 'none' ? 'not signed' : signing.mode === 'key' ? `key ${signing.key}, certificate ${signing.cert}` : `generate a new pair in ${signing.dir}`;
  return (
    <Box flexDirection="column">
      <StepHeader step="review" />
      {/* Header (2 lines), the error (2) and the hints (2) stay visible; the answers scroll. */}
      <Viewport reserved={4 + (state.error ? 2 : 0)}>
        <Row label="Project" value={`${doc.project?.name ?? ''}  (${projectDir})`} />
        <Row label="Vendor" value={[doc.project?.vendor, p?.packager].filter(Boolean).join(' · ')} />
        <Row label="Source" value={sourceText} />
        <Row label="Driver directories" value={doc.driverDirs && doc.driverDirs.join() !== '.' ? doc.driverDirs.join(', ') : '(the top of the source: it is the module)'} />
        <Row label="Modules" value={doc.modules?.length ? doc.modules.join(', ') : `all${state.moduleReport?.modules.length ? ` (${state.moduleReport.modules.join(', ')})` : ''}`} />
        <Row label="Firmware" value={doc.firmware?.length ? `${doc.firmware.length} file${doc.firmware.length === 1 ? '' : 's'} shipped${state.firmwarePackage && p ? ` in kmod-${p.name}-firmware` : ''}` : 'none shipped'} />
        <Row label="Extra files" value={p ? extraFilePaths(p.name, doc.extraFiles).join(', ') || 'none' : ''} />
        <Row label="Package" value={p ? `kmod-${p.name}${doc.packaging?.match === 'minimum' ? '' : '-<kernel release>'} ${p.version}-${p.release}  ${p.license}` : ''} />
        <Row label="Summary" value={p?.summary ?? ''} />
        {doc.probes ? <Row label="Probes" value={doc.probes} /> : null}
        <Row label="Kernels" value={(doc.kernels ?? []).map((k) => k.release).join(', ')} />
        <Row label="Signing" value={signingText} />
        <Box marginTop={1} flexDirection="column">
          <Row label="Answers" value={answersPath(projectDir)} />
          <Row label="RPMs" value={`${outDir}/`} />
          <Row label="Driver disk" value={p ? join(outDir, isoFileName({ output: doc.output, package: p })) : ''} />
        </Box>
        <Box marginTop={1} flexDirection="column">
          <Text>Replay these answers without the wizard:</Text>
          {/* Wrapped, never cut: it is meant to be copied whole. */}
          <Text color="green">{`  ${replayCommand(projectDir)}`}</Text>
        </Box>
        {state.lastResult ? <Text dimColor>{`  Last build: ${state.lastResult}`}</Text> : null}
      </Viewport>
      <ErrorLine error={state.error} />
      <Hints>{`Enter build · 1–${stepNumber('review') - 1} edit a step · Esc back`}</Hints>
    </Box>
  );
}
