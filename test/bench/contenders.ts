/**
 * The bench's contenders for one workload (a driver directory × a set of kernels):
 *   raw     a plain shell loop of `make -C <tree> M=<fresh copy> -j<cpus> modules` per kernel;
 *   dkms    `dkms build -k A -k B …` of the module pre-added from /usr/src (when dkms is here);
 *   full    `dudforge build` from a clean project (no .dudforge, no out/);
 *   cached  `dudforge build` again with nothing changed.
 * Drivers with probes get, for raw and dkms, the compat headers dudforge generated in setup,
 * so every contender compiles the same code; the probe step itself is counted for dudforge only.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { CLI } from '../helpers/cli.js';
import { measure, type Sample } from './measure.js';
import { crossMakeVars } from '../../src/kernel/cross.js';

export interface BenchKernel {
  release: string;
  buildTree: string;
}

export interface Workload {
  /** e.g. "synthetic (24 files) × 2 kernels". */
  label: string;
  /** Short name used in paths and DKMS module names. */
  id: string;
  driverDir: string;
  /** Module files (without .ko) the driver builds. */
  modules: string[];
  probes?: string;
  kernels: BenchKernel[];
  /** No DKMS contender (it only builds for trees at /lib/modules/<release>/build). */
  noDkms?: boolean;
}

export interface Contender {
  name: 'raw' | 'dkms' | 'full' | 'cached' | 'full-alt' | 'cached-alt';
  label: string;
  run(): Promise<Sample>;
}

const CPUS = availableParallelism();

/** The dudforge under test: this checkout's, or another build of it (DUDFORGE_BENCH_CLI) to try a change. */
export const BENCH_CLI = process.env.DUDFORGE_BENCH_CLI || CLI;
/** A second dudforge build run side by side with the first (e.g. with a proposed fix applied). */
export const ALT_CLI = process.env.DUDFORGE_BENCH_ALT_CLI || undefined;

/** `dudforge new` for the workload, then the kernel list written into dudforge.json. */
async function createProject(cli: string, w: Workload, project: string): Promise<void> {
  // `new` only knows discovered kernels: give it the first (installed) one, then set the list.
  const args = ['new', project, '--yes', '--source', `dir:${w.driverDir}`, '--kernel', w.kernels[0].release];
  if (w.probes) args.push('--probes', w.probes);
  await execa(process.execPath, [cli, ...args], { env: { FORCE_COLOR: '0' } });
  const answersPath = join(project, 'dudforge.json');
  const answers = JSON.parse(readFileSync(answersPath, 'utf8'));
  answers.kernels = w.kernels.map((k) => ({ release: k.release, buildTree: k.buildTree }));
  writeFileSync(answersPath, JSON.stringify(answers, null, 2));
}

function dudforgeContenders(cli: string, project: string, suffix: '' | '-alt', label: string): Contender[] {
  const build = () => measure(process.execPath, [cli, 'build', project, '--plain'], { nodeRss: true, env: { FORCE_COLOR: '0' } });
  return [
    {
      name: `full${suffix}`,
      label: `\`dudforge build\`${label}, clean project`,
      run: async () => {
        rmSync(join(project, '.dudforge'), { recursive: true, force: true });
        rmSync(join(project, 'out'), { recursive: true, force: true });
        return build();
      },
    },
    { name: `cached${suffix}`, label: `\`dudforge build\`${label}, nothing changed`, run: build },
  ];
}

/** Everything a workload's contenders need, made once (untimed). */
export async function prepareWorkload(w: Workload, workDir: string, opts: { dkms?: boolean } = {}): Promise<Contender[]> {
  mkdirSync(workDir, { recursive: true });
  const project = join(workDir, 'project');
  await createProject(BENCH_CLI, w, project);
  const [full, cached] = dudforgeContenders(BENCH_CLI, project, '', '');
  // One untimed full build: warms the page cache and yields the compat headers for raw/dkms.
  await full.run();
  const compatRoot = join(workDir, 'compat');
  const compatDirFor = new Map<string, string>();
  for (const k of w.kernels) {
    const header = join(project, '.dudforge', 'build', k.release, 'compat', 'dudforge-compat.h');
    if (!existsSync(header)) continue;
    const dir = join(compatRoot, k.release);
    mkdirSync(dir, { recursive: true });
    cpSync(header, join(dir, 'dudforge-compat.h'));
    compatDirFor.set(k.release, dir);
  }

  const contenders: Contender[] = [rawFloor(w, join(workDir, 'raw'), compatDirFor)];
  // DKMS only builds for kernels it finds at /lib/modules/<release>/build.
  const dkms = opts.dkms === false || w.noDkms ? undefined : await dkmsContender(w, compatDirFor);
  if (dkms) contenders.push(dkms);
  contenders.push(full, cached);
  if (ALT_CLI) {
    const altProject = join(workDir, 'project-alt');
    await createProject(ALT_CLI, w, altProject);
    const alt = dudforgeContenders(ALT_CLI, altProject, '-alt', ' (proposed fixes)');
    await alt[0].run();
    contenders.push(...alt);
  }
  return contenders;
}

function rawFloor(w: Workload, dir: string, compatDirFor: Map<string, string>): Contender {
  return {
    name: 'raw',
    label: `raw Kbuild: \`make -j${CPUS} modules\` per kernel, in turn`,
    async run() {
      rmSync(dir, { recursive: true, force: true });
      const lines = ['set -e'];
      w.kernels.forEach((k, i) => {
        const copy = join(dir, String(i));
        cpSync(w.driverDir, copy, { recursive: true });
        const compat = compatDirFor.get(k.release);
        const kcflags = compat ? ` KCFLAGS=-I${compat}` : '';
        // A foreign tree: the same ARCH/CROSS_COMPILE a user would type (kernel/cross.ts).
        const cross = crossMakeVars(k.buildTree).map((v) => ` ${v}`).join('');
        lines.push(`make -C '${k.buildTree}' M='${copy}' -j${CPUS}${cross}${kcflags} modules >/dev/null`);
      });
      const sample = await measure('sh', ['-c', lines.join('\n')]);
      for (let i = 0; i < w.kernels.length; i++) {
        for (const m of w.modules) {
          if (!existsSync(join(dir, String(i), `${m}.ko`))) throw new Error(`raw build for ${w.kernels[i].release} made no ${m}.ko`);
        }
      }
      return sample;
    },
  };
}

async function dkmsContender(w: Workload, compatDirFor: Map<string, string>): Promise<Contender | undefined> {
  const which = await execa('sh', ['-c', 'command -v dkms'], { reject: false });
  if (which.exitCode !== 0) return undefined;
  const name = `dudforge-bench-${w.id}`;
  const version = '1.0';
  const srcDir = `/usr/src/${name}-${version}`;
  await execa('dkms', ['remove', `${name}/${version}`, '--all'], { reject: false });
  rmSync(srcDir, { recursive: true, force: true });
  cpSync(w.driverDir, srcDir, { recursive: true });
  // dkms.conf is shell: $kernelver picks the kernel's compat header like dudforge's -I does.
  const compatRoot = compatDirFor.size ? join([...compatDirFor.values()][0], '..') : undefined;
  const kcflags = compatRoot ? ` KCFLAGS=-I${compatRoot}/\${kernelver}` : '';
  const conf = [
    `PACKAGE_NAME="${name}"`,
    `PACKAGE_VERSION="${version}"`,
    `MAKE[0]="make -C \${kernel_source_dir} M=\${dkms_tree}/\${PACKAGE_NAME}/\${PACKAGE_VERSION}/build${kcflags} modules"`,
    `CLEAN="true"`,
    ...w.modules.flatMap((m, i) => [`BUILT_MODULE_NAME[${i}]="${m}"`, `DEST_MODULE_LOCATION[${i}]="/extra"`]),
    'AUTOINSTALL="no"',
    '',
  ].join('\n');
  writeFileSync(join(srcDir, 'dkms.conf'), conf);
  await execa('dkms', ['add', `${name}/${version}`]);
  const kernelArgs = w.kernels.flatMap((k) => ['-k', k.release]);
  // DKMS finds a kernel's tree at /lib/modules/<release>/build: only installed kernels qualify.
  const run = () => measure('dkms', ['build', `${name}/${version}`, ...kernelArgs, '--force']);
  await run(); // untimed: DKMS makes its signing key on the first build
  return { name: 'dkms', label: '`dkms build -k … --force` (module pre-added)', run };
}

export async function removeDkmsModule(w: Workload): Promise<void> {
  const name = `dudforge-bench-${w.id}`;
  await execa('dkms', ['remove', `${name}/1.0`, '--all'], { reject: false });
  rmSync(`/usr/src/${name}-1.0`, { recursive: true, force: true });
}
