/**
 * Reading the guest's serial console: the marker lines guest-script.ts prints, and the blocks
 * between `begin X` and `end X` (/proc/modules, dmesg). Anything else on the console (kernel
 * messages, a module's own output) is ignored; a marker may start mid-line when a kernel
 * message was printed without a newline before it.
 */

export interface GuestReport {
  /** `uname -r` as the guest saw it. */
  uname?: string;
  /** The device the disk was found on and how long findfs waited. */
  disk?: { device: string; waited: string };
  unpacked: string[];
  modprobe: { module: string; ok: boolean; message: string }[];
  /** Module names listed in /proc/modules, with their taint flags ("OE"). */
  procModules: { name: string; flags: string }[];
  /** /proc/sys/kernel/tainted. */
  tainted?: number;
  dmesg: string[];
  /** Why the guest gave up (no disk, wrong kernel, unpack error…), in order. */
  failures: string[];
  storageFailures: string[];
  /** The script reached its end (the `done` marker). */
  finished: boolean;
}

function words(rest: string): [string, string] {
  const sp = rest.indexOf(' ');
  return sp < 0 ? [rest, ''] : [rest.slice(0, sp), rest.slice(sp + 1)];
}

export function parseConsole(text: string, nonce: string): GuestReport {
  const marker = `@@DUD-${nonce} `;
  const report: GuestReport = { unpacked: [], modprobe: [], procModules: [], dmesg: [], failures: [], storageFailures: [], finished: false };
  let block: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\r/g, '');
    const at = line.indexOf(marker);
    if (at < 0) {
      if (block === 'proc-modules') {
        const m = /^(\S+) \d+ .*?(?:\((\w+)\))?$/.exec(line);
        if (m) report.procModules.push({ name: m[1], flags: m[2] ?? '' });
      } else if (block === 'dmesg' && line.trim()) report.dmesg.push(line);
      continue;
    }
    const [key, rest] = words(line.slice(at + marker.length));
    switch (key) {
      case 'begin': block = rest; break;
      case 'end': block = undefined; break;
      case 'uname': report.uname = rest; break;
      case 'disk': {
        const [device, waited] = words(rest);
        report.disk = { device, waited };
        break;
      }
      case 'unpacked': report.unpacked.push(rest); break;
      case 'modprobe-ok': report.modprobe.push({ module: rest, ok: true, message: '' }); break;
      case 'modprobe-fail': {
        const [module, message] = words(rest);
        report.modprobe.push({ module, ok: false, message });
        break;
      }
      case 'tainted': report.tainted = Number(rest); break;
      case 'fail': report.failures.push(rest); break;
      case 'storage-fail': report.storageFailures.push(rest); break;
      case 'done': report.finished = true; break;
      default: break;
    }
  }
  return report;
}

/** dmesg lines worth showing for a driver load: the modules' own lines, taint and signature. */
export function relevantDmesg(lines: string[], modules: string[]): string[] {
  const names = modules.map((m) => m.replace(/_/g, '[_-]'));
  const re = new RegExp(`(${[...names, 'taint', 'signature', 'verification', 'Exec format', 'version magic', 'disagrees about version', 'Unknown symbol', 'module_layout', 'this_module'].join('|')})`, 'i');
  return lines.filter((l) => re.test(l));
}

/** Taint letters by bit, as /proc/sys/kernel/tainted encodes them (kernel/panic.c taint_flags). */
const TAINT_LETTERS = 'PFSRMBUDAWCIOELKXTN';

/** "O E" for 12288: the letters of the set bits (O out-of-tree, E unsigned, P proprietary…). */
export function taintLetters(tainted: number): string {
  const out: string[] = [];
  for (let bit = 0; bit < TAINT_LETTERS.length; bit++) if (tainted & (1 << bit)) out.push(TAINT_LETTERS[bit]);
  return out.join(' ');
}
