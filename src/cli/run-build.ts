/**
 * Running the pipeline from the command line: picks the reporter (live board on a terminal,
 * timestamped lines otherwise), turns Ctrl-C/SIGTERM into a clean cancel, and prints the summary.
 */
import type { Answers } from '../answers/schema.js';
import type { Reporter } from '../events.js';
import { runPipeline, type BuildResult } from '../pipeline/run.js';
import { failureReport } from '../pipeline/failure-report.js';
import { killAllBuilds } from '../kbuild/run.js';
import { resolve } from 'node:path';
import { projectPath } from '../answers/io.js';
import { fsUserError, isNoSpace } from '../fs-errors.js';
import { formatBytes, shellQuote } from './format.js';
import { createPlainReporter } from './plain-reporter.js';

export interface CliBuildOptions {
  answers: Answers;
  projectDir: string;
  outDir?: string;
  jobs?: number;
  allowPartial?: boolean;
  kernels?: string[];
  noDisk?: boolean;
  json?: boolean;
  /** Force plain lines even on a terminal. */
  plain?: boolean;
  /** Wait for another build of the project to finish instead of failing (--wait). */
  wait?: boolean;
}

/** The shell's convention for a process ended by a signal: 128 + its number (130, 143). */
const SIGNAL_EXIT: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143 };

async function pickReporter(plain: boolean): Promise<{ reporter: Reporter; close(): void | Promise<void> }> {
  if (!plain && process.stderr.isTTY && process.env.TERM !== 'dumb') {
    // Drawn at once; the Ink board follows when loaded, without holding the build back.
    const { startCliBoard } = await import('./cli-board.js');
    return startCliBoard({ fallback: () => createPlainReporter(process.stderr) });
  }
  return { reporter: createPlainReporter(process.stderr), close() {} };
}

export async function runBuildFromCli(opts: CliBuildOptions): Promise<number> {
  const controller = new AbortController();
  let signals = 0;
  let firstSignal: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    signals += 1;
    firstSignal ??= sig;
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
      kernels: opts.kernels,
      noDisk: opts.noDisk,
      waitForLock: opts.wait,
    });
  } catch (err) {
    // A write that fails for want of space carries no path (the syscall is write, not open):
    // name the directories this run writes to and how much room is left there.
    if (isNoSpace(err) && !(err as NodeJS.ErrnoException).path) {
      const outDir = opts.outDir ? resolve(opts.outDir) : projectPath(resolve(opts.projectDir), opts.answers.output.dir);
      throw fsUserError(err, outDir) ?? err;
    }
    throw err;
  } finally {
    await close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (opts.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else process.stdout.write(formatSummary(result));
  // On a terminal, the next step: prove the module loads on each kernel (QEMU, a minute or two).
  if (!opts.json && process.stdout.isTTY && result.iso && result.exitCode === 0 && !result.cancelled) {
    process.stdout.write(`  Try it in a VM: dudforge boot-test ${shellQuote(result.iso.path)}\n`);
  }
  // A signal wins even when the run got past its last check: the user asked it to stop.
  if (firstSignal) return SIGNAL_EXIT[firstSignal] ?? 130;
  if (result.cancelled) return 130;
  return result.exitCode;
}

export function formatSummary(r: BuildResult): string {
  const lines: string[] = [''];
  // The same facts the wizard's failure screen shows (failure-report.ts).
  const report = failureReport(r);
  if (r.cancelled) lines.push('Cancelled: every build process was stopped; the output directory is as it was before this run.');
  if (report) lines.push(`✖ ${report.title}`);
  for (const rpm of r.rpms) lines.push(`  ✔ ${rpm.release.padEnd(28)} ${rpm.path} (${formatBytes(rpm.bytes)})`);
  for (const x of r.excluded ?? []) lines.push(`  – ${x.release.padEnd(28)} excluded by dkms.conf ${x.reason}`);
  for (const f of report?.failed ?? []) {
    lines.push(`  ✖ ${f.release.padEnd(28)} ${f.firstError}`);
    for (const c of f.knownChanges) lines.push(`    ${c}`);
    lines.push(`    full log: ${f.logFile}`);
  }
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
    if (r.failed.length) lines.push('  PARTIAL: it lacks the kernels that failed above; the output directory says so in PARTIAL-BUILD.txt.');
    if (r.verify) lines.push(r.verify.ok ? '  verified: the installer would accept it for every kernel built' : `  verification FAILED:\n    ${r.verify.problems.join('\n    ')}`);
    lines.push(
      '  Use it at install time: attach it as a disk or CD labelled OEMDRV (found automatically),',
      '  or boot with inst.dd=hd:LABEL=OEMDRV (inst.dd alone shows a menu).',
    );
    if (r.signedModules && r.certDer) lines.push(`  Secure Boot: enrol the signing certificate with \`mokutil --import ${r.certDer}\` and reboot.`);
  } else if (report?.failed.length) {
    lines.push(
      '',
      report.canWritePartial
        ? `No driver disk was written because a kernel failed to build (--allow-partial writes one with the ${report.built.length} that built); the output directory is as it was before this run.`
        : 'No driver disk was written: no kernel built; the output directory is as it was before this run.',
    );
  }
  return `${lines.join('\n')}\n`;
}
