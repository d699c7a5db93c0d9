import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UserError } from '../../errors.js';
import { collectDiskInputs } from '../../disk/collect.js';
import { writeDisk } from '../../disk/write.js';
import { formatVerifyReport, verifyDisk } from '../../verify/verify.js';
import type { Command } from '../command.js';
import { boolOption, stringOption } from '../command.js';
import { parseBuildTime } from './new.js';

export const diskCommand: Command = {
  name: 'disk',
  summary: 'write a driver disk from kmod RPMs and a source RPM built elsewhere',
  usage: 'disk OUT.iso INPUT... [--signed] [--build-time SECONDS] [--force] [--json]',
  help: [
    '  OUT.iso             the driver disk to write',
    '  INPUT               kmod RPMs, a source RPM, or directories holding them (dudforge out/',
    '                      directories of sharded builds, mock/Koji/Copr result directories)',
    '  --signed            refuse the disk unless every module carries a signature',
    '  --build-time S      the disk\'s timestamps (default: the newest BUILDTIME of the inputs,',
    '                      which gives the same bytes as `dudforge build` of the same kernels)',
    '  --force             replace OUT.iso if it exists',
    '  --json              print the verify report as JSON on stdout',
  ].join('\n'),
  options: { signed: { type: 'boolean' }, 'build-time': { type: 'string' }, force: { type: 'boolean' }, json: { type: 'boolean' } },
  maxPositionals: Infinity,
  async run({ values, positionals }) {
    const [out, ...inputs] = positionals;
    if (!out || !inputs.length) throw new UserError('disk needs the ISO to write and at least one input', 'usage: dudforge disk OUT.iso RPM|DIR...');
    const isoPath = resolve(out);
    if (!isoPath.endsWith('.iso')) throw new UserError(`${isoPath}: the disk's file name must end in .iso`, 'the installer only finds ISO files whose name ends in .iso (inst.dd=...)');
    if (existsSync(isoPath)) {
      if (statSync(isoPath).isDirectory()) throw new UserError(`${isoPath} is a directory`, 'give the path of the ISO file to write');
      if (!boolOption(values, 'force')) throw new UserError(`${isoPath} already exists`, 'add --force to replace it, or choose another name');
    }
    if (!existsSync(dirname(isoPath)) || !statSync(dirname(isoPath)).isDirectory()) {
      throw new UserError(`${dirname(isoPath)} is not a directory`, 'create it first, or write the disk elsewhere');
    }
    const buildTimeFlag = parseBuildTime(stringOption(values, 'build-time'));
    const collected = await collectDiskInputs(inputs);
    const buildTime = buildTimeFlag ?? collected.buildTime;

    // Written beside its target, verified, and only then renamed into place: a disk the
    // installer would refuse is never left under OUT.iso.
    const tmp = join(dirname(isoPath), `.${basename(isoPath)}.tmp-${process.pid}`);
    try {
      await writeDisk({ isoPath: tmp, rpms: collected.rpms, srpm: collected.srpm, buildTime });
      const report = await verifyDisk(tmp, {
        kernels: collected.kernels.map((k) => k.release),
        expectSigned: boolOption(values, 'signed'),
      });
      const text = boolOption(values, 'json') ? `${JSON.stringify(report, null, 2)}\n` : `${formatVerifyReport(report)}\n`;
      process.stdout.write(text);
      if (!report.ok) {
        process.stderr.write(`no disk written: ${report.problems.length} problem(s) above\n`);
        return 1;
      }
      renameSync(tmp, isoPath);
      if (!boolOption(values, 'json')) {
        process.stdout.write(`wrote ${isoPath}: ${collected.driver} ${collected.version}, ${collected.rpms.filter((r) => r.parsed.arch !== 'noarch').length} kmod RPM(s) for ${collected.kernels.map((k) => `${k.release} (${k.arch})`).join(', ')}${collected.rpms.some((r) => r.parsed.arch === 'noarch') ? ', firmware package' : ''}${collected.srpm ? ', source RPM' : ''}\n`);
      }
      return 0;
    } finally {
      rmSync(tmp, { force: true });
    }
  },
};
