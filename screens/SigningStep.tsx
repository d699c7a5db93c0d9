/** Step 6: no signing, an existing key + certificate, or a new pair; shows the certificate. */
import { Box, Text } from 'ink';
import { SIGNING_MODES, type WizardState, absolutePath } from '../src/wizard/index.js';
import { ErrorLine, Hints, StepHeader } from './common.js';
import { FormFields } from './FormStep.js';

export function SigningStep({ state }: { state: WizardState }) {
  const onMode = state.focus === 0;
  const cert = state.fields['signing.cert'].value.trim();
  const info = state.signingMode === 'key' && cert && state.certInfo?.cert === absolutePath(state, cert) ? state.certInfo : undefined;
  return (
    <Box flexDirection="column">
      <StepHeader step="signing" />
      <Text color={onMode ? 'cyan' : undefined}>{`${onMode ? '❯' : ' '} Signing`}</Text>
      {SIGNING_MODES.map((m) => (
        <Box key={m.mode} marginLeft={4}>
          <Text bold={m.mode === state.signingMode}>{`${m.mode === state.signingMode ? '(•)' : '( )'} ${m.label}`}</Text>
        </Box>
      ))}
      <Box marginTop={1} flexDirection="column">
        <FormFields state={state} placeholders={{ 'signing.key': 'PEM/DER private key, or a pkcs11: URI', 'signing.cert': 'X.509 certificate (PEM or DER)' }} />
      </Box>
      {info && !info.error ? (
        <Box flexDirection="column" marginTop={1}>
          <Text>{`  Subject:     ${info.subject}`}</Text>
          <Text>{`  Fingerprint: ${info.fingerprint} (SHA-256)`}</Text>
        </Box>
      ) : null}
      {info?.error && state.error?.field !== 'signing.cert' ? <Text color="yellow">{`  ${info.error}`}</Text> : null}
      {state.signingMode === 'generate' ? <Text dimColor>{'  A new key (mode 0600) and its DER certificate are written there at build time.'}</Text> : null}
      <ErrorLine error={state.error} />
      <Hints>↑/↓ field · ←/→ or space choose · Enter next · Esc back</Hints>
    </Box>
  );
}
