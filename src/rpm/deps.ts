/**
 * The dependency sets rpmbuild writes: the spec's own entries plus what rpmbuild adds itself
 * (self-provides, config() pairs, scriptlet interpreters, rpmlib() features), sorted and
 * de-duplicated the way rpmds does (name, then EVR text, then flags).
 */
import { RPMFILE, RPMSENSE } from './sense.js';
import type { RpmDependency, RpmPackageSpec } from './types.js';

/** rpm's %{_isa} suffix per arch (macros: `%_isa (%{__isa_name}-%{__isa_bits})`). */
const ISA: Record<string, string> = {
  x86_64: 'x86-64', i686: 'x86-32', aarch64: 'aarch-64', ppc64le: 'ppc-64', ppc64: 'ppc-64', s390x: 's390-64',
};

const RPMLIB_FLAGS = RPMSENSE.RPMLIB | RPMSENSE.LESS | RPMSENSE.EQUAL;

/** The Epoch:Version-Release string rpm compares and shows; the epoch whenever one is set, 0 included. */
export function evrString(spec: Pick<RpmPackageSpec, 'epoch' | 'version' | 'release'>): string {
  const vr = `${spec.version}-${spec.release}`;
  return spec.epoch !== undefined ? `${spec.epoch}:${vr}` : vr;
}

function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Sort by name, version text and flags; drop exact duplicates. */
export function sortDependencies(deps: RpmDependency[]): RpmDependency[] {
  const norm = deps.map((d) => ({ name: d.name, flags: d.flags >>> 0, version: d.version ?? '' }));
  norm.sort((a, b) => compareBytes(a.name, b.name) || compareBytes(a.version, b.version) || a.flags - b.flags);
  return norm.filter((d, i) => i === 0 || d.name !== norm[i - 1].name || d.version !== norm[i - 1].version || d.flags !== norm[i - 1].flags);
}

function hasConfigFiles(spec: RpmPackageSpec): boolean {
  return spec.files.some((f) => ((f.flags ?? 0) & RPMFILE.CONFIG) !== 0);
}

export function packageProvides(spec: RpmPackageSpec): RpmDependency[] {
  const evr = evrString(spec);
  const out = [...spec.provides, { name: spec.name, flags: RPMSENSE.EQUAL, version: evr }];
  if (!spec.isSource) {
    const isa = ISA[spec.arch];
    if (isa) out.push({ name: `${spec.name}(${isa})`, flags: RPMSENSE.EQUAL, version: evr });
    if (hasConfigFiles(spec)) out.push({ name: `config(${spec.name})`, flags: RPMSENSE.CONFIG | RPMSENSE.EQUAL, version: evr });
  }
  return sortDependencies(out);
}

const SCRIPT_SENSE = {
  pre: RPMSENSE.SCRIPT_PRE,
  post: RPMSENSE.SCRIPT_POST,
  preun: RPMSENSE.SCRIPT_PREUN,
  postun: RPMSENSE.SCRIPT_POSTUN,
  posttrans: RPMSENSE.POSTTRANS,
} as const;

export function packageRequires(spec: RpmPackageSpec): RpmDependency[] {
  const out = [...spec.requires];
  for (const [kind, sense] of Object.entries(SCRIPT_SENSE) as [keyof typeof SCRIPT_SENSE, number][]) {
    const script = spec.scripts?.[kind];
    if (script) out.push({ name: script.prog ?? '/bin/sh', flags: RPMSENSE.INTERP | sense });
  }
  out.push({ name: 'rpmlib(CompressedFileNames)', flags: RPMLIB_FLAGS, version: '3.0.4-1' });
  out.push({ name: 'rpmlib(FileDigests)', flags: RPMLIB_FLAGS, version: '4.6.0-1' });
  if (!spec.isSource) {
    out.push({ name: 'rpmlib(PayloadFilesHavePrefix)', flags: RPMLIB_FLAGS, version: '4.0-1' });
    if (hasConfigFiles(spec)) out.push({ name: `config(${spec.name})`, flags: RPMSENSE.CONFIG | RPMSENSE.EQUAL, version: evrString(spec) });
  }
  if (spec.compression === 'xz') out.push({ name: 'rpmlib(PayloadIsXz)', flags: RPMLIB_FLAGS, version: '5.2-1' });
  return sortDependencies(out);
}
