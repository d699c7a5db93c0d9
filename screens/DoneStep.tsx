/** Done: what was written, whether it verified, and how to use the disk. */
import { Box, Text } from 'ink';
import { basename, dirname } from 'node:path';
import { type BuildOutcome, formatBytes, shellQuote } from '../src/wizard/index.js';
import { Hints, StepHeader } from './common.js';
import { Viewport } from './Viewport.js';

/** `replay`: the command Review showed, kept here to rebuild without the wizard. */
export function DoneStep({ result, replay }: { result: BuildOutcome; replay?: string }) {
  return (
    // The header (2 lines) and the hints (2) stay put; the rest scrolls when the terminal is short.
    <Viewport reserved={4} header={<StepHeader step="done" subtitle={result.ok ? 'the driver disk is ready' : 'the build did not fully succeed'} />} footer={<Hints>Enter quit · Esc back to Review</Hints>}>
      <Text bold>{result.rpms.length ? `RPMs in ${dirname(result.rpms[0].path)}/` : 'RPMs'}</Text>
      {result.rpms.map((r) => (
        <Text key={r.path}>{`  ✔ ${basename(r.path)}  ${formatBytes(r.bytes)}${shortSum(r.sha256)}`}</Text>
      ))}
      {(result.srpms ?? []).map((r) => (
        <Text key={r.path} dimColor>{`    ${basename(r.path)}  ${formatBytes(r.bytes)} (source)${shortSum(r.sha256)}`}</Text>
      ))}
      {result.failed.map((f) => (
        <Box key={f.release} flexDirection="column">
          <Text color="red">{`  ✖ ${f.release}: ${f.firstError}`}</Text>
          <Text dimColor>{`    full log: ${f.logFile}`}</Text>
        </Box>
      ))}
      <Box marginTop={1} flexDirection="column">
        <Text bold>Driver disk</Text>
        {result.iso ? <Text>{`  ${result.iso.path}  ${formatBytes(result.iso.bytes)}  (label OEMDRV)`}</Text> : null}
        {result.iso?.sha256 ? <Text>{`  sha256 ${result.iso.sha256}`}</Text> : null}
        {result.iso ? null : <Text color="yellow">  No ISO was written (a kernel failed; `--allow-partial` writes one anyway).</Text>}
      </Box>
      {result.verify ? (
        <Box flexDirection="column" marginTop={1}>
          <Text bold>Verification</Text>
          {result.verify.ok ? <Text color="green">  ✔ the disk and its RPMs passed every check</Text> : null}
          {result.verify.problems.map((p, i) => (
            <Text key={i} color="red">{`  ✖ ${p}`}</Text>
          ))}
        </Box>
      ) : null}
      {result.probeTable ? (
        <Box flexDirection="column" marginTop={1}>
          <Text bold>Compatibility probes</Text>
          {result.probeTable.split('\n').map((line, i) => (
            <Text key={i}>{`  ${line}`}</Text>
          ))}
        </Box>
      ) : null}
      {(result.kabi ?? [])
        .filter((k) => k.symbolsNotOnList.length)
        .map((k) => (
          <Text key={k.release} color="yellow">{`  kABI ${k.release}: not on the stablelist: ${k.symbolsNotOnList.join(', ')}`}</Text>
        ))}
      {result.iso ? (
        <Box flexDirection="column" marginTop={1}>
          <Text bold>Using the disk</Text>
          <Text>{`  Attach ${basename(result.iso.path)} (virtual CD or USB stick) while installing: the installer finds it by its OEMDRV label.`}</Text>
          <Text>{'  Or name it on the kernel command line:  inst.dd=hd:LABEL=OEMDRV'}</Text>
          <Text dimColor>{'  (or inst.dd=<URL of the ISO> over the network)'}</Text>
          <Text>{'  Prove each kernel loads the module before you ship it (QEMU, about a minute per kernel):'}</Text>
          <Text color="green">{`  dudforge boot-test ${shellQuote(result.iso.path)}`}</Text>
        </Box>
      ) : null}
      {result.signedModules ? (
        <Box flexDirection="column" marginTop={1}>
          <Text bold>Secure Boot</Text>
          <Text>{'  The modules are signed. Enrol the certificate once on each machine, then reboot and confirm in MokManager:'}</Text>
          <Text color="green">{`  mokutil --import ${result.certDer ?? '<certificate.der>'}`}</Text>
        </Box>
      ) : null}
      {replay ? (
        <Box flexDirection="column" marginTop={1}>
          <Text>Rebuild from these answers without the wizard:</Text>
          <Text color="green">{`  ${replay}`}</Text>
        </Box>
      ) : null}
    </Viewport>
  );
}

/** An RPM's sum, shortened to fit its row (the ISO's is shown whole). */
function shortSum(sha256?: string): string {
  return sha256 ? `  sha256 ${sha256.slice(0, 12)}…` : '';
}
