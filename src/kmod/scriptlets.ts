/**
 * %post/%postun of a kmod, in POSIX sh (rpm runs them with /bin/sh; `$1` is the number of
 * instances of the package left after the operation: 1 on install, 2+ on upgrade in %post;
 * 0 on erase, 1+ on upgrade in %postun of the old package).
 *
 * - %post (install and upgrade alike): hand the installed modules to RHEL's weak-modules (it
 *   links them into other kABI-compatible kernels and rebuilds their initramfs), then
 *   `depmod -a <kver>` so the kernel we were built for sees them.
 * - %postun: give weak-modules the modules of the old package that are gone now. On erase that
 *   is all of them; on upgrade it is only the modules the new version dropped, because the new
 *   package's %post has already run over the same paths and removing their weak links would
 *   undo it (ddiskit removes them on upgrade too: a known defect). depmod runs on erase and on
 *   upgrade alike, but only while the kernel's module directory still exists.
 *
 * Every command is guarded: a missing depmod or weak-modules (the installer's stage 1, a
 * scratch root, a Debian host) or a failing one never fails the transaction. weak-modules is
 * looked for where RHEL ships it (/usr/sbin), depmod in /usr/sbin then /sbin.
 */
export interface KmodScriptletOptions {
  kernelRelease: string;
  /** Absolute installed paths of the package's modules. */
  moduleFiles: string[];
}

export interface KmodScriptlets {
  post: string;
  postun: string;
  /** Not used: weak-modules rebuilds the initramfs itself when it is not given --no-initramfs. */
  posttrans?: string;
}

/** Quote for sh: single quotes, with embedded ones closed and escaped. */
export function shQuote(text: string): string {
  return /^[A-Za-z0-9_./:+=@%-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

export function kmodScriptlets(opts: KmodScriptletOptions): KmodScriptlets {
  // The paths are written into the scripts word-split; our own layout never needs quoting.
  for (const f of opts.moduleFiles) {
    if (!/^\/[A-Za-z0-9_./+-]+$/.test(f)) throw new Error(`kmodScriptlets: unexpected module path "${f}"`);
  }
  const kver = shQuote(opts.kernelRelease);
  const modules = [...opts.moduleFiles].sort().join(' ');
  // `[ -x ]` rather than `command -v … >/dev/null`: a freshly initialised root (rpm --root,
  // image builders) may have no /dev/null, and a failed redirection reads as "no such tool".
  const depmod = [
    `if [ -d /lib/modules/${kver} ]; then`,
    `    for d in /usr/sbin /sbin; do`,
    `        if [ -x "$d/depmod" ]; then "$d/depmod" -a ${kver} || :; break; fi`,
    `    done`,
    `fi`,
  ];
  const post = [
    `# $1: 1 = install, 2 or more = upgrade; both need the same steps.`,
    `if [ -x /usr/sbin/weak-modules ]; then`,
    `    for m in ${modules}; do`,
    `        [ -e "$m" ] && printf '%s\\n' "$m"`,
    `    done | /usr/sbin/weak-modules --add-modules || :`,
    `fi`,
    ...depmod,
    `exit 0`,
  ];
  const postun = [
    `if [ "\${1:-0}" -eq 0 ]; then`,
    `    # erase: every module of this package is gone`,
    `    gone='${modules}'`,
    `else`,
    `    # upgrade: the new version's %post already ran over the same paths; only modules it`,
    `    # no longer ships are gone`,
    `    gone=`,
    `    for m in ${modules}; do`,
    `        [ -e "$m" ] || gone="$gone $m"`,
    `    done`,
    `fi`,
    `if [ -n "$gone" ] && [ -x /usr/sbin/weak-modules ]; then`,
    `    for m in $gone; do printf '%s\\n' "$m"; done | /usr/sbin/weak-modules --remove-modules || :`,
    `fi`,
    ...depmod,
    `exit 0`,
  ];
  return { post: post.join('\n') + '\n', postun: postun.join('\n') + '\n' };
}
