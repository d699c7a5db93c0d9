/**
 * Colour on or off, the way the terminal screens decide it. Ink colours through chalk, which
 * honours FORCE_COLOR but not NO_COLOR (no-color.org): `honourNoColor` maps one to the other
 * before chalk is loaded (the CLI entry imports `./no-color.js` first). Whatever is shown in
 * colour has a colour-free twin: `❯` marks the focused row, `▏` the text cursor.
 */
export function honourNoColor(env: NodeJS.ProcessEnv = process.env): void {
  // An explicit FORCE_COLOR wins; NO_COLOR counts when present and not empty.
  if (env.NO_COLOR && env.FORCE_COLOR === undefined) env.FORCE_COLOR = '0';
}

/** Whether chalk (and so Ink) colours `stream`: the same rules, read from the same variables. */
export function colorOn(env: NodeJS.ProcessEnv = process.env, stream: { isTTY?: boolean } = process.stdout): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force !== 'false';
  if (env.NO_COLOR) return false;
  return !!stream.isTTY && env.TERM !== 'dumb';
}
