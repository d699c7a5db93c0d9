/**
 * Small defaults shared by `dudforge new --yes` (create.ts) and the wizard. Kept apart from
 * create.ts so that the wizard does not load the import engine just for these.
 */

/** Make a module version string acceptable to RPM ("1.0-rc1" → "1.0_rc1"). */
export function rpmSafeVersion(v: string): string {
  return v.trim().replace(/[-\s]+/g, '_').replace(/[^A-Za-z0-9._+~^]/g, '') || '1.0';
}

/** SOURCE_DATE_EPOCH when set, else now: recorded once so every later build is reproducible. */
export function defaultBuildTime(env = process.env): number {
  const sde = env.SOURCE_DATE_EPOCH;
  return sde && /^\d+$/.test(sde) ? Number(sde) : Math.floor(Date.now() / 1000);
}
