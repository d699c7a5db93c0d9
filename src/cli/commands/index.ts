import type { Command } from '../command.js';
import { bootTestCommand } from './boot-test.js';
import { buildCommand } from './build.js';
import { demoCommand } from './demo.js';
import { diskCommand } from './disk.js';
import { kernelsCommand } from './kernels.js';
import { newCommand } from './new.js';
import { probeCommand } from './probe.js';
import { projectsCommand, resumeCommand, wizardCommand } from './projects.js';
import { verifyCommand } from './verify.js';

export const commands: Command[] = [newCommand, buildCommand, demoCommand, kernelsCommand, verifyCommand, diskCommand, bootTestCommand, probeCommand, projectsCommand, resumeCommand, wizardCommand];
