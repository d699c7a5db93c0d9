import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { UserError } from '../../errors.js';
import { kernelCacheDir } from '../../boot/kernel-image.js';
import { ATTACH_MODES, type AttachMode } from '../../boot/kernel-modules.js';
import { formatBootReport } from '../../boot/report.js';
import { runBootTest } from '../../boot/run.js';
import type { Command } from '../command.js';
import { boolOption, listOption, stringOption } from '../command.js';

function positiveInt(flag: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (!/^[1-9]\d*$/.test(value) || Number(value) > max) throw new UserError(`--${flag} ${value} is not a whole number from 1 to ${max}`, `for example --${flag} ${fallback}`);
  return Number(value);
}

export const bootTestCommand: Command = {
  name: 'boot-test',
  summary: 'boot each target kernel in QEMU with the driver disk attached and prove its module loads',
  usage: 'boot-test DISK.iso [--kernel RELEASE]... [--kernel-rpm FILE]... [--attach cdrom|virtio] [--kvm] [--timeout S] [--parallel N] [--json]',
  help: [
    '  DISK.iso              the driver disk image',
    '  --kernel RELEASE      boot this kernel (repeatable; default: every kernel the disk has RPMs for)',
    '  --attach cdrom|virtio attach the disk as a CD-ROM (default; IDE on x86_64, a SCSI CD on',
    '                        virtio-scsi on aarch64, whose virt board has no IDE) or a virtio disk',
    '  --kvm                 use KVM instead of TCG for kernels of the host architecture',
    '  --timeout S           stop a boot that has not reported after S seconds (default 180)',
    '  --parallel N          boot N kernels at once (default 1)',
    '  --kernel-cache DIR    where fetched kernel images are kept (default ~/.cache/dudforge/kernels,',
    '                        or $DUDFORGE_KERNEL_CACHE)',
    '  --no-download         never fetch a kernel with apt-get download',
    '  --kernel-rpm FILE     boot the kernel in these RPMs (repeatable: kernel-core with its image,',
    '                        kernel-modules-core, kernel-modules); without --kernel, boot that kernel',
    '  --busybox PATH        the static busybox for the guests of its architecture (x86_64 default:',
    '                        /bin/busybox; aarch64: busybox-static:arm64, fetched into the kernel cache)',
    '  --json                print the report as JSON on stdout',
  ].join('\n'),
  options: {
    kernel: { type: 'string', multiple: true },
    attach: { type: 'string' },
    kvm: { type: 'boolean' },
    timeout: { type: 'string' },
    parallel: { type: 'string' },
    'kernel-cache': { type: 'string' },
    'no-download': { type: 'boolean' },
    'kernel-rpm': { type: 'string', multiple: true },
    busybox: { type: 'string' },
    json: { type: 'boolean' },
  },
  maxPositionals: 1,
  async run({ values, positionals }) {
    if (!positionals[0]) throw new UserError('boot-test needs the driver disk to boot with', 'usage: dudforge boot-test DISK.iso');
    const iso = resolve(positionals[0]);
    if (!existsSync(iso) || !statSync(iso).isFile()) throw new UserError(`${iso} does not exist`, 'give the path of a driver disk ISO (dudforge build writes it to DIR/out)');
    const attach = stringOption(values, 'attach') ?? 'cdrom';
    if (!ATTACH_MODES.includes(attach as AttachMode)) throw new UserError(`--attach ${attach} is not one of ${ATTACH_MODES.join(', ')}`, 'for example --attach virtio');
    const kernelRpms = listOption(values, 'kernel-rpm').map((f) => resolve(f));
    for (const f of kernelRpms) if (!existsSync(f)) throw new UserError(`--kernel-rpm ${f} does not exist`, 'give the kernel-core RPM (and kernel-modules-core / kernel-modules) of the target kernel');
    const kvm = boolOption(values, 'kvm');
    if (kvm && !existsSync('/dev/kvm')) throw new UserError('--kvm: /dev/kvm does not exist', 'drop --kvm to emulate with TCG');
    const parallel = positiveInt('parallel', stringOption(values, 'parallel'), 1, 16);
    const controller = new AbortController();
    const onSignal = (sig: NodeJS.Signals): void => {
      process.stderr.write(`\n${sig}: stopping every boot…\n`);
      controller.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      const report = await runBootTest({
        iso,
        kernels: listOption(values, 'kernel'),
        attach: attach as AttachMode,
        kvm,
        cacheDir: kernelCacheDir(stringOption(values, 'kernel-cache')),
        download: !boolOption(values, 'no-download'),
        timeoutSeconds: positiveInt('timeout', stringOption(values, 'timeout'), 180, 3600),
        parallel,
        memoryMiB: 1024,
        // Boots at once share the host's CPUs; more than 2 vCPUs buys nothing for this boot.
        cpus: Math.max(1, Math.min(2, Math.floor(availableParallelism() / parallel))),
        busybox: stringOption(values, 'busybox'),
        kernelRpms,
        signal: controller.signal,
        log: (line) => process.stderr.write(`boot-test: ${line}\n`),
      });
      if (controller.signal.aborted) return 130;
      process.stdout.write(boolOption(values, 'json') ? `${JSON.stringify(report, null, 2)}\n` : formatBootReport(report));
      return report.ok ? 0 : 1;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  },
};
