/**
 * Running the pipeline from the command line: picks the reporter (live board on a terminal,
 * timestamped lines otherwise), turns Ctrl-C/SIGTERM into a clean cancel, and prints the summary.
 */
import type { Answers } from '../answers/schema.js';
import type { Reporter } from '../pipeline/events.js';
import { runPipeline, type BuildResult } from '../pipeline/run.js';
import { killAllBuilds } from '../kbuild/run.js';
import { formatBytes } from './format.js';
import { createPlainReporter } from './plain-reporter.js';

export interface CliBuildOptions {
  answers: Answers;
  projectDir: string;
  outDir?: string;
  jobs?: number;
  allowPartial?: boolean;
  json?: boolean;
  /** Force plain lines even on a terminal. */
  plain?: boolean;
}

async function pickReporter(plain: boolean): Promise<{ reporter: Reporter; close(): void | Promise<void> }> {
  if (!plain && process.stderr.isTTY && process.env.TERM !== 'dumb') {
    // Drawn at once; the Ink board follows when loaded, without holding the build back.
    const { startCliBoard } = await import('../wizard/cli-board.js');
    return startCliBoard({ fallback: () => createPlainReporter(process.stderr) });
  }
  return { reporter: createPlainReporter(process.stderr), close() {} };
}

export async function runBuildFromCli(opts: CliBuildOptions): Promise<number> {
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    signals += 1;
    if (signals === 1) {
      process.stderr.write(`\n${sig}: cancelling every build…\n`);
      controller.abort();
    } else {
      killAllBuilds();
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const { reporter, close } = await pickReporter(!!opts.plain || !!opts.json);
  let result: BuildResult;
  try {
    result = await runPipeline({
      answers: opts.answers,
      projectDir: opts.projectDir,
      reporter,
      signal: controller.signal,
      jobs: opts.jobs,
      outDir: opts.outDir,
      allowPartial: opts.allowPartial,
    });
  } finally {
    await close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (opts.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else process.stdout.write(formatSummary(result));
  if (result.cancelled) return 130;
  return result.exitCode;
}

export function formatSummary(r: BuildResult): string {
  const lines: string[] = [''];
  if (r.cancelled) lines.push('Cancelled: every build process was stopped; no partial file was left in the output directory.');
  for (const rpm of r.rpms) lines.push(`  ✔ ${rpm.release.padEnd(28)} ${rpm.path} (${formatBytes(rpm.bytes)})`);
  for (const f of r.failed) lines.push(`  ✖ ${f.release.padEnd(28)} ${f.firstError}\n    full log: ${f.logFile}`);
  for (const s of r.srpms) lines.push(`  source RPM: ${s.path} (${formatBytes(s.bytes)})`);
  for (const k of r.kabi ?? []) {
    if (k.symbolsNotOnList.length) lines.push(`  kABI ${k.release}: ${k.symbolsNotOnList.length} symbol(s) not on the stablelist: ${k.symbolsNotOnList.join(', ')}`);
  }
  if (r.signedModules && r.verify?.report) {
    lines.push('', 'Module signatures:');
    for (const rpm of r.verify.report.rpms) {
      for (const m of rpm.modules) {
        lines.push(`  ${m.path}: ${m.signer ? `signer "${m.signer}", key ${m.keySerial}, ${m.hashAlgo}` : 'NOT SIGNED'}`);
      }
    }
  }
  if (r.probeTable) lines.push('', r.probeTable);
  if (r.iso) {
    lines.push('', `Driver disk: ${r.iso.path} (${formatBytes(r.iso.bytes)})`);
    if (r.verify) lines.push(r.verify.ok ? '  verified: the installer would accept it for every kernel built' : `  verification FAILED:\n    ${r.verify.problems.join('\n    ')}`);
    lines.push(
      '  Use it at install time: attach it as a disk or CD labelled OEMDRV (found automatically),',
      '  or boot with inst.dd=hd:LABEL=OEMDRV (inst.dd alone shows a menu).',
    );
    if (r.signedModules && r.certDer) lines.push(`  Secure Boot: enrol the signing certificate with \`mokutil --import ${r.certDer}\` and reboot.`);
  } else if (!r.cancelled && r.failed.length) {
    lines.push('', 'No driver disk was written because a kernel failed to build (--allow-partial writes one anyway).');
  }
  return `${lines.join('\n')}\n`;
}
