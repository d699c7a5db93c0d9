/**
 * Firmware and extra files: the firmware the driver declares (found or missing, and whether to
 * ship what was found), modprobe.d options, modules loaded at boot, a blacklist of the inbox
 * driver replaced, and udev rules.
 */
import { Box, Text } from 'ink';
import { answersFromState, canShipFirmware, chosenModuleList, extraFilePaths, extrasRows, FIELD_LABELS, type WizardState } from '../src/wizard/index.js';
import { ChoiceRow, ErrorLine, Hints, StepHeader, TextInputView } from './common.js';

const SHOWN_FIRMWARE = 6;

// Short enough for 60 columns beside an 18-column label (a longer one squeezes the label).
const PLACEHOLDERS: Record<string, string> = {
  'extras.firmwareTree': '/lib/firmware',
  'extras.modprobe': 'e.g. r8169 aspm=0; …',
  'extras.blacklist': 'inbox module names',
  'extras.udevRules': 'a .rules file',
};

function FirmwareList({ state }: { state: WizardState }) {
  const r = state.firmwareReport;
  if (!r) return <Text dimColor>Reading the declared firmware (MODULE_FIRMWARE)…</Text>;
  if (!r.names.length && !r.unresolved.length) return <Text dimColor>The driver declares no firmware (MODULE_FIRMWARE).</Text>;
  const rows = [...r.found.map((f) => ({ ok: true, text: `${f.name}  ${f.file}` })), ...r.missing.map((m) => ({ ok: false, text: `${m}  missing` }))];
  return (
    <Box flexDirection="column">
      <Text>{`Declared firmware: ${r.names.length} file${r.names.length === 1 ? '' : 's'}; ${r.found.length} found in ${r.trees.join(', ')}, ${r.missing.length} missing`}</Text>
      {rows.slice(0, SHOWN_FIRMWARE).map((row) => (
        <Text key={row.text} color={row.ok ? undefined : 'yellow'} wrap="truncate-end">{`  ${row.ok ? '✔' : '✖'} ${row.text}`}</Text>
      ))}
      {rows.length > SHOWN_FIRMWARE ? <Text dimColor>{`  … ${rows.length - SHOWN_FIRMWARE} more`}</Text> : null}
      {r.unresolved.length ? <Text color="yellow">{`  ${r.unresolved.length} declaration(s) could not be read as a string: check modinfo -F firmware on the built module`}</Text> : null}
    </Box>
  );
}

export function ExtrasStep({ state }: { state: WizardState }) {
  const rows = extrasRows(state);
  const focus = Math.max(0, Math.min(state.focus, rows.length - 1));
  const found = state.firmwareReport?.found.length ?? 0;
  const name = state.fields['package.name'].value.trim() || 'driver';
  const files = extraFilePaths(name, answersFromState(state, 'kernels').extraFiles);
  const chosen = chosenModuleList(state);
  const inbox = [...new Set((state.moduleReport?.notes ?? []).filter((n) => n.state === 'inbox' && chosen.includes(n.module)).map((n) => n.module))];
  let bootHeader = false;
  return (
    <Box flexDirection="column">
      <StepHeader step="extras" />
      <FirmwareList state={state} />
      <Box flexDirection="column" marginTop={1}>
        {rows.map((row, i) => {
          const focused = i === focus;
          if (row.kind === 'ship') {
            const label = `${state.shipFirmware && canShipFirmware(state) ? '[x]' : '[ ]'} Ship the declared firmware found (${found} file${found === 1 ? '' : 's'})`;
            return (
              <ChoiceRow key="ship" focused={focused} dim={!canShipFirmware(state)}>
                {label}
              </ChoiceRow>
            );
          }
          if (row.kind === 'fwpkg') {
            return (
              <ChoiceRow key="fwpkg" focused={focused}>
                {`${state.firmwarePackage ? '[x]' : '[ ]'} Firmware in its own package (kmod-${name}-firmware)`}
              </ChoiceRow>
            );
          }
          if (row.kind === 'boot') {
            const first = !bootHeader;
            bootHeader = true;
            return (
              <Box key={`boot-${row.module}`} flexDirection="column">
                {first ? <Text dimColor>{`  Load at boot (/etc/modules-load.d/${name}.conf):`}</Text> : null}
                <ChoiceRow focused={focused}>{`  ${state.loadAtBoot.includes(row.module) ? '[x]' : '[ ]'} ${row.module}`}</ChoiceRow>
              </Box>
            );
          }
          return <TextInputView key={row.key} label={FIELD_LABELS[row.key]} field={state.fields[row.key]} focused={focused} width={18} placeholder={PLACEHOLDERS[row.key]} />;
        })}
      </Box>
      {inbox.length ? <Text dimColor>{`Inbox modules this disk replaces: ${inbox.join(', ')} — its copies win (depmod override); blacklist only another driver it replaces.`}</Text> : null}
      {files.length ? <Text>{`Installs: ${files.join(', ')}`}</Text> : null}
      <ErrorLine error={state.error} />
      <Hints>↑/↓ move · space toggle · type in fields (modprobe lines: MODULE OPTIONS, ; between) · Enter next · Esc back</Hints>
    </Box>
  );
}
