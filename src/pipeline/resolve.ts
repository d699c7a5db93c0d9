/**
 * The resolve step: check every filesystem fact the answers depend on before anything is built —
 * each target kernel's build tree, the signing key pair — and collect all problems into one
 * error (exit 2), so a user fixes them in one go and nothing is half built.
 */
import { existsSync } from 'node:fs';
import type { Answers } from '../answers/schema.js';
import { projectPath } from '../answers/io.js';
import { UserError } from '../errors.js';
import { inspectTree } from '../kernel/tree.js';
import { installHint } from '../kernel/install-hint.js';
import type { ResolvedKernel } from './context.js';

export function resolveKernels(answers: Answers, projectDir: string): ResolvedKernel[] {
  const problems: string[] = [];
  const kernels: ResolvedKernel[] = [];
  answers.kernels.forEach((k, i) => {
    const dir = projectPath(projectDir, k.buildTree);
    const tree = inspectTree(dir);
    if (!existsSync(dir)) {
      problems.push(`kernels[${i}].buildTree: ${dir} does not exist (${installHint(k.release)})`);
    } else if (!tree.usable) {
      problems.push(`kernels[${i}].buildTree: ${dir}: ${tree.reason}`);
    } else if (tree.release !== k.release) {
      problems.push(`kernels[${i}]: the build tree ${dir} is for ${tree.release}, not ${k.release}; fix the release or the path`);
    } else {
      kernels.push({ release: k.release, tree });
    }
  });
  if (problems.length) {
    throw new UserError(
      `${problems.length} target kernel${problems.length === 1 ? ' is' : 's are'} not buildable:\n  ${problems.join('\n  ')}`,
      'run `dudforge kernels` to see the build trees found here; nothing was built',
    );
  }
  return kernels;
}

/** Release strings of RHEL-family kernels (el8, el9, el10…) get kernel()/ksym() Requires by default. */
export function isRhelFamily(release: string): boolean {
  return /\.el\d+/.test(release);
}
