/**
 * Text formatting shared by the plain reporter, the build summary and the wizard's screens.
 * Kept free of imports so the screens can use it without loading the command line, and the
 * command line without loading Ink.
 */

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

export { shellQuote } from '../shell-quote.js';
