/**
 * What a test needs from this machine (a kernel build tree, a tool). Outside CI a missing need
 * skips the test and says why; under CI it is a failure, so that a CI machine that lost a package
 * can never pass by skipping. `npm test` sets CI=false for Ink, so the CI flag it was started
 * with travels in DUDFORGE_CI.
 */
export const inCI = ((): boolean => {
  const v = process.env.DUDFORGE_CI ?? '';
  return v !== '' && v !== 'false' && v !== '0';
})();

/**
 * A `skip` option value: false when the need is met; the reason outside CI; under CI it throws,
 * which fails the test file with the reason.
 */
export function needs(met: boolean, missing: string): string | false {
  if (met) return false;
  if (inCI) throw new Error(`CI is missing what this test needs: ${missing} (.ci/run must install it)`);
  return `${missing} (skipped outside CI only)`;
}
