import { readFileSync } from 'node:fs';

/** The fields of /etc/os-release that decide which package holds kernel headers. */
export interface OsRelease {
  id: string;
  idLike: string[];
  prettyName?: string;
}

export function parseOsRelease(text: string): OsRelease {
  const fields: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) fields[m[1]] = m[2].replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1');
  }
  return {
    id: (fields.ID ?? '').toLowerCase(),
    idLike: (fields.ID_LIKE ?? '').toLowerCase().split(/\s+/).filter(Boolean),
    prettyName: fields.PRETTY_NAME,
  };
}

function readOsRelease(path: string): OsRelease | undefined {
  try {
    return parseOsRelease(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * What to install so that a kernel build tree appears, for the distribution we run on: the
 * hint under "no usable kernel build tree found". `release` defaults to the running kernel.
 */
export function installHint(release?: string, osReleasePath = '/etc/os-release'): string {
  const os = readOsRelease(osReleasePath) ?? readOsRelease('/usr/lib/os-release');
  const family = os ? [os.id, ...os.idLike] : [];
  const is = (...ids: string[]) => ids.some((id) => family.includes(id));
  if (is('debian', 'ubuntu')) {
    const pkg = `linux-headers-${release ?? '$(uname -r)'}`;
    if (os?.id === 'debian' || (!is('ubuntu') && is('debian'))) {
      return `install the kernel headers: apt-get install ${pkg}\n(or the metapackage that follows the newest kernel: apt-get install linux-headers-amd64, linux-headers-arm64, …)`;
    }
    return `install the kernel headers: apt-get install ${pkg}`;
  }
  if (is('rhel', 'fedora', 'centos', 'rocky', 'almalinux', 'ol')) {
    return `install the kernel build tree: dnf install kernel-devel-${release ?? '$(uname -r)'}`;
  }
  if (is('suse', 'opensuse', 'sles', 'opensuse-leap', 'opensuse-tumbleweed')) {
    return 'install the kernel build tree: zypper install kernel-default-devel';
  }
  return `install the kernel headers or build tree for ${release ?? 'your kernel'} with your distribution's package manager, or point dudforge at one with --kernel-dir DIR`;
}
