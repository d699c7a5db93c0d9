/**
 * A driver directory that builds several modules, through the real `dudforge new --yes` and
 * `build`: the package is named after the project directory (not the first module), `new` lists
 * per target kernel the modules its .config disables and those it already ships, and --module
 * packages only the chosen ones.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { installedKernels, removeDir, runCli, sh, tempDir } from '../helpers/cli.js';
import { needs } from '../helpers/needs.js';

const kernels = installedKernels();
let work: string;
let driver: string;

const moduleSource = (name: string) =>
  `#include <linux/module.h>\nstatic int __init ${name}_init(void) { return 0; }\nstatic void __exit ${name}_exit(void) {}\nmodule_init(${name}_init);\nmodule_exit(${name}_exit);\nMODULE_LICENSE("GPL");\nMODULE_DESCRIPTION("${name}");\n`;

describe('several modules in one directory', { skip: needs(kernels.length > 0, 'no kernel build tree installed') }, () => {
  before(() => {
    work = tempDir('modules');
    driver = join(work, 'acme-multi-2.0');
    mkdirSync(driver);
    // dummy is gated by a symbol every Debian kernel sets (=m): the kernel ships its own.
    writeFileSync(join(driver, 'Makefile'), 'obj-m += acme_core.o\nobj-m += acme_extra.o\nobj-$(CONFIG_DUMMY) += dummy.o\nobj-$(CONFIG_ACME_GATED) += acme_gated.o\n');
    for (const m of ['acme_core', 'acme_extra', 'dummy', 'acme_gated']) writeFileSync(join(driver, `${m}.c`), moduleSource(m));
  });
  after(() => removeDir(work));

  test('the package is named after the project; new lists disabled and inbox modules per kernel', () => {
    const r = runCli(['new', join(work, 'all'), '--yes', '--source', `dir:${driver}`, '--build-time', '1700000000']);
    assert.equal(r.status, 0, r.stderr);
    const answers = JSON.parse(readFileSync(join(work, 'all', 'dudforge.json'), 'utf8'));
    assert.equal(answers.package.name, 'acme-multi');
    assert.equal(answers.modules, undefined);
    assert.match(r.stderr, /^info: modules: acme_core, acme_extra, dummy, acme_gated \(all packaged; choose with --module NAME\)$/m);
    for (const k of kernels) {
      const esc = k.release.replace(/[.+]/g, '\\$&');
      assert.match(r.stderr, new RegExp(`^info: ${esc}: acme_gated: CONFIG_ACME_GATED is not set in this kernel's config, so it is not built; --config CONFIG_ACME_GATED=m builds it$`, 'm'));
      assert.match(r.stderr, new RegExp(`^info: ${esc}: dummy: the kernel has its own \\(CONFIG_DUMMY=m`, 'm'));
      assert.doesNotMatch(r.stderr, new RegExp(`^info: ${esc}: acme_(core|extra)`, 'm'));
    }
    // Where the kernel's module list is installed, the listing names the kernel's own file.
    const withOrder = kernels.find((k) => sh('test', ['-f', `/lib/modules/${k.release}/modules.order`]).status === 0);
    if (withOrder) assert.match(r.stderr, new RegExp(`${withOrder.release.replace(/[.+]/g, '\\$&')}: dummy: .*kernel/drivers/net/dummy\\.ko`));
  });

  test('--module packages only the chosen module; an unknown one names the choices', () => {
    const bad = runCli(['new', join(work, 'bad'), '--yes', '--source', `dir:${driver}`, '--module', 'nope']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--module nope: the driver directory builds no module of that name/);
    assert.match(bad.stderr, /acme_core, acme_extra, dummy, acme_gated/);
    const project = join(work, 'one');
    const r = runCli(['new', project, '--yes', '--source', `dir:${driver}`, '--module', 'acme-extra', '--kernel', kernels[0].release, '--build-time', '1700000000']);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(readFileSync(join(project, 'dudforge.json'), 'utf8')).modules, ['acme_extra']);
    assert.match(r.stderr, /; packaging acme_extra$/m);
    const build = runCli(['build', project, '--plain']);
    assert.equal(build.status, 0, build.stderr + build.stdout);
    const rpm = readdirSync(join(project, 'out')).find((f) => /^kmod-acme-multi-.*\.rpm$/.test(f) && !f.endsWith('.src.rpm'));
    assert.ok(rpm);
    const kos = sh('rpm', ['-qpl', join(project, 'out', rpm!)]).stdout.split('\n').filter((f) => f.endsWith('.ko'));
    assert.deepEqual(kos, [`/lib/modules/${kernels[0].release}/extra/acme-multi/acme_extra.ko`]);
  });
});
