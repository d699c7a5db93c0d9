import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { UserError } from '../../errors.js';
import { formatVerifyReport, verifyDisk } from '../../verify/verify.js';
import type { Command } from '../command.js';
import { boolOption, listOption, stringOption } from '../command.js';

export const verifyCommand: Command = {
  name: 'verify',
  summary: 'judge a driver disk ISO the way the installer does',
  usage: 'verify DISK.iso [--kernel RELEASE]... [--arch ARCH] [--signed] [--json]',
  help: [
    '  DISK.iso            the driver disk image',
    '  --kernel RELEASE    judge for this installer kernel (repeatable; default: those the disk was built for)',
    '  --arch ARCH         only this architecture (x86_64, aarch64, ppc64le, s390x)',
    '  --signed            flag modules that are not signed',
    '  --json              print the report as JSON on stdout',
  ].join('\n'),
  options: { kernel: { type: 'string', multiple: true }, arch: { type: 'string' }, signed: { type: 'boolean' }, json: { type: 'boolean' } },
  maxPositionals: 1,
  async run({ values, positionals }) {
    if (!positionals[0]) throw new UserError('verify needs the ISO to check', 'usage: dudforge verify DISK.iso');
    const iso = resolve(positionals[0]);
    if (!existsSync(iso)) throw new UserError(`${iso} does not exist`, 'give the path of a driver disk ISO');
    if (!statSync(iso).isFile()) throw new UserError(`${iso} is not a regular file`, 'give the path of a driver disk ISO (not a directory, FIFO or device)');
    const report = await verifyDisk(iso, { kernels: listOption(values, 'kernel'), arch: stringOption(values, 'arch'), expectSigned: boolOption(values, 'signed') });
    process.stdout.write(boolOption(values, 'json') ? `${JSON.stringify(report, null, 2)}\n` : `${formatVerifyReport(report)}\n`);
    return report.ok ? 0 : 1;
  },
};
