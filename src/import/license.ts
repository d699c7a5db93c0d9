/**
 * RPM `License:` tags from a kernel module's license.
 *
 * Fedora (since 38) and RHEL 10 write License tags as SPDX expressions, so we do too. The
 * kernel's MODULE_LICENSE strings are coarse on purpose (include/linux/module.h: "GPL" and
 * "GPL v2" both only say "GPL v2" and do not tell "only" from "or later"; the real license is
 * the file's SPDX-License-Identifier). So:
 *  - when the main source file carries an SPDX-License-Identifier, that is the answer
 *    (deprecated ids like `GPL-2.0` / `GPL-2.0+` are rewritten to their current forms);
 *  - otherwise "GPL"/"GPL v2" map to `GPL-2.0-only`, the license of the kernel itself (COPYING:
 *    "GPL version 2 only"), which is what a file without its own statement inherits; claiming
 *    "or later" would grant rights the source never gave;
 *  - "Dual X/GPL" becomes `GPL-2.0-only OR <X>`; for BSD the variant is unknown and
 *    BSD-3-Clause is the one nearly all dual-licensed kernel drivers use.
 */

const DEPRECATED_SPDX: Record<string, string> = {
  'GPL-1.0': 'GPL-1.0-only',
  'GPL-1.0+': 'GPL-1.0-or-later',
  'GPL-2.0': 'GPL-2.0-only',
  'GPL-2.0+': 'GPL-2.0-or-later',
  'LGPL-2.0': 'LGPL-2.0-only',
  'LGPL-2.0+': 'LGPL-2.0-or-later',
  'LGPL-2.1': 'LGPL-2.1-only',
  'LGPL-2.1+': 'LGPL-2.1-or-later',
  'GPL-3.0': 'GPL-3.0-only',
  'GPL-3.0+': 'GPL-3.0-or-later',
};

const MODULE_LICENSES: Record<string, string> = {
  gpl: 'GPL-2.0-only',
  'gpl v2': 'GPL-2.0-only',
  'gplv2': 'GPL-2.0-only',
  'gpl-2.0': 'GPL-2.0-only',
  'gpl and additional rights': 'GPL-2.0-only',
  'dual bsd/gpl': 'GPL-2.0-only OR BSD-3-Clause',
  'dual mit/gpl': 'GPL-2.0-only OR MIT',
  'dual mpl/gpl': 'GPL-2.0-only OR MPL-1.1',
  proprietary: 'LicenseRef-Proprietary',
};

/** Rewrite deprecated SPDX ids inside an SPDX expression to their current forms. */
export function normalizeSpdx(expr: string): string {
  const cleaned = expr.trim().replace(/^\(\s*(.*?)\s*\)$/, '$1');
  return cleaned.replace(/[A-Za-z0-9.+-]+/g, (id) => DEPRECATED_SPDX[id] ?? id);
}

/**
 * The RPM License tag for a module: from the SPDX identifier of its main source when given,
 * else from the MODULE_LICENSE string. Unknown strings are returned unchanged (trimmed).
 */
export function rpmLicense(moduleLicense: string, spdx?: string): string {
  if (spdx && spdx.trim()) return normalizeSpdx(spdx);
  const key = moduleLicense.trim().toLowerCase().replace(/\s+/g, ' ');
  return MODULE_LICENSES[key] ?? moduleLicense.trim();
}
