/**
 * Known kernel API changes: the table parses, every probe it suggests is a valid probe, and a real
 * build that trips over one (`<asm/unaligned.h>` on a 6.12 kernel) names the change and the probe.
 */
import { writeOldUnalignedDriver } from '../helpers/old-api-driver.js';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { API_CHANGES_FILE, describeApiChange, errorLines, knownApiChanges, matchApiChanges, parseApiChanges } from '../../src/kbuild/api-changes.js';
import { parseProbeFile, validateProbes } from '../../src/probes/parse.js';
import { installedKernels, removeDir, runCli, tempDir } from '../helpers/cli.js';
import { needs } from '../helpers/needs.js';

describe('the table of kernel API changes', () => {
  test('parses, and every probe it suggests is a valid dudforge.probes entry', () => {
    const changes = knownApiChanges();
    assert.ok(changes.length >= 10);
    const probes = parseProbeFile(changes.map((c) => c.probe).join('\n\n'), API_CHANGES_FILE);
    assert.equal(probes.length, changes.length);
    validateProbes(probes);
  });

  test('real compiler messages find their change', () => {
    const cases: [string, RegExp][] = [
      ["drv.c:3:10: fatal error: asm/unaligned.h: No such file or directory", /<asm\/unaligned\.h> moved/],
      ["drv.c:20:17: error: implicit declaration of function 'u64_stats_fetch_begin_irq'; did you mean 'u64_stats_fetch_begin'? [-Werror=implicit-function-declaration]", /u64_stats_fetch_begin_irq\(\) and u64_stats_fetch_retry_irq\(\) were removed/],
      ["drv.c:9:14: error: too many arguments to function 'class_create'", /class_create\(\) lost its owner argument/],
      ["drv.c:11:9: error: implicit declaration of function 'strlcpy'; did you mean 'strscpy'? [-Werror=implicit-function-declaration]", /strlcpy\(\) was removed/],
      ["drv.c:30:19: error: 'no_llseek' undeclared here (not in a function); did you mean 'noop_llseek'?", /no_llseek was removed/],
    ];
    for (const [line, what] of cases) {
      const found = matchApiChanges(errorLines(`make[1]: Entering\n${line}\nmake: *** Error 2\n`));
      assert.equal(found.length, 1, line);
      assert.match(found[0].what, what);
      assert.match(describeApiChange(found[0]), /Handle it with a probe in dudforge\.probes: /);
    }
    assert.deepEqual(matchApiChanges(errorLines("drv.c:1:1: error: expected ';' before '}' token")), []);
  });

  test('a malformed block names its line', () => {
    assert.throws(() => parseApiChanges('change 6.1 x\n    probe symbol x\n', 't'), /t:3: the change "x" needs an error and a probe line/);
    assert.throws(() => parseApiChanges('  error x\n', 't'), /t:1: expected/);
  });
});

const kernel612 = installedKernels().find((k) => /^6\.(1[2-9]|[2-9]\d)\./.test(k.release));

describe('a build that hits a known change', { skip: needs(kernel612 !== undefined, 'a 6.12 or newer kernel build tree') }, () => {
  let work: string;
  before(() => {
    work = tempDir('api-change');
  });
  after(() => removeDir(work));

  test('names the change and the probe in the summary, exit 1', () => {
    const driver = join(work, 'driver');
    writeOldUnalignedDriver(driver);
    const project = join(work, 'project');
    const created = runCli(['new', project, '--yes', '--source', `dir:${driver}`, '--vendor', 'Old API', '--kernel', kernel612!.release]);
    assert.equal(created.status, 0, created.stderr);
    const r = runCli(['build', project, '--plain']);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /known kernel API change \(6\.12\): <asm\/unaligned\.h> moved to <linux\/unaligned\.h>\. Handle it with a probe in dudforge\.probes: header linux\/unaligned\.h/);
    assert.match(r.stderr, /known kernel API change \(6\.12\)/, 'the progress lines say it too');
    const log = readFileSync(join(project, '.dudforge', 'logs', `${kernel612!.release}.log`), 'utf8');
    assert.match(log, /asm\/unaligned\.h: No such file or directory/);
  });
});
