import type { Answers } from '../answers/schema.js';
import { RPMFILE, RPMSENSE } from '../rpm/sense.js';
import type { RpmFileEntry, RpmPackageSpec } from '../rpm/types.js';
import { checkDescription } from './description.js';
import { changelogEntry, optionalPackageTags } from './package.js';
import { ksymsScript } from './spec-template.js';

export interface SrpmOptions {
  answers: Answers;
  /** The spec from renderKmodSpec(). */
  specText: string;
  /** Source0. */
  sourcesTarball: { name: string; bytes: Buffer };
  /** Source2… in the order renderKmodSpec() was given them (probe file, …). */
  extraSources?: { name: string; bytes: Buffer }[];
  buildTime: number;
  buildHost: string;
  /** The arch of the build machine (rpmbuild records it in a source package). Default x86_64. */
  arch?: string;
}

/** Base name of the SRPM's spec file. */
export function specFileName(answers: Answers): string {
  return `${answers.package.name}.spec`;
}

/**
 * The source RPM (`<name>-<version>-<release>.src.rpm`): the spec, Source0 (the sources
 * tarball), Source1 (dudforge-ksyms.sh, the spec's dependency generator) and the extra sources,
 * as flat files. Its Requires are the spec's BuildRequires for the default kernel, as rpmbuild
 * records them.
 */
export function srpmSpec(opts: SrpmOptions): RpmPackageSpec {
  const pkg = opts.answers.package;
  checkDescription(pkg.description);
  const names = new Set<string>();
  const file = (name: string, data: Buffer, flags?: number): RpmFileEntry => {
    if (name.includes('/') || names.has(name)) throw new Error(`srpmSpec: bad or duplicate source file name "${name}"`);
    names.add(name);
    return { path: name, type: 'file', mode: 0o644, data, ...(flags ? { flags } : {}) };
  };
  const files = [
    file(specFileName(opts.answers), Buffer.from(opts.specText), RPMFILE.SPECFILE),
    file(opts.sourcesTarball.name, opts.sourcesTarball.bytes),
    file('dudforge-ksyms.sh', ksymsScript()),
    ...(opts.extraSources ?? []).map((s) => file(s.name, s.bytes)),
  ];
  const defaultKernel = opts.answers.kernels[0]?.release;
  const requires = [
    { name: 'binutils', flags: RPMSENSE.ANY },
    { name: 'gcc', flags: RPMSENSE.ANY },
    { name: 'kmod', flags: RPMSENSE.ANY },
    { name: 'make', flags: RPMSENSE.ANY },
    // The spec's BuildRequires: patch when dkms.conf has PATCH[#] (renderKmodSpec's dkms.patches).
    ...(opts.answers.dkms?.patches?.length ? [{ name: 'patch', flags: RPMSENSE.ANY }] : []),
    ...(defaultKernel ? [{ name: 'kernel-devel-uname-r', flags: RPMSENSE.EQUAL, version: defaultKernel }] : []),
  ];
  const spec: RpmPackageSpec = {
    name: pkg.name,
    version: pkg.version,
    release: pkg.release,
    summary: pkg.summary,
    description: `Sources of kmod-${pkg.name}: ${pkg.summary}`,
    license: pkg.license,
    vendor: pkg.vendor,
    buildHost: opts.buildHost,
    buildTime: opts.buildTime,
    arch: opts.arch ?? 'x86_64',
    isSource: true,
    provides: [],
    requires,
    changelog: [changelogEntry(opts.answers, opts.buildTime)],
    files,
    compression: opts.answers.packaging.compress,
  };
  return Object.assign(spec, optionalPackageTags(pkg));
}
