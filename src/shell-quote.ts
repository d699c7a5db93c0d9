/** `s` as one word for a POSIX shell: as is when it is plain, else in single quotes. A leaf module. */
export function shellQuote(s: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
