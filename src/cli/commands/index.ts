/**
 * The subcommands, loaded on demand: a run loads only its own command's modules (`build` never
 * loads the wizard's project registry, its settings store and JSON schema validator).
 */
import type { Command } from '../command.js';

const loaders: Record<string, () => Promise<Command>> = {
  new: async () => (await import('./new.js')).newCommand,
  build: async () => (await import('./build.js')).buildCommand,
  demo: async () => (await import('./demo.js')).demoCommand,
  kernels: async () => (await import('./kernels.js')).kernelsCommand,
  verify: async () => (await import('./verify.js')).verifyCommand,
  disk: async () => (await import('./disk.js')).diskCommand,
  'boot-test': async () => (await import('./boot-test.js')).bootTestCommand,
  probe: async () => (await import('./probe.js')).probeCommand,
  projects: async () => (await import('./projects.js')).projectsCommand,
  resume: async () => (await import('./projects.js')).resumeCommand,
  wizard: async () => (await import('./projects.js')).wizardCommand,
};

/** The command called `name`, or undefined when there is none. */
export async function loadCommand(name: string): Promise<Command | undefined> {
  const load = Object.hasOwn(loaders, name) ? loaders[name] : undefined;
  return load ? load() : undefined;
}

/** Every command, in the order `dudforge --help` lists them. */
export async function loadCommands(): Promise<Command[]> {
  return Promise.all(Object.values(loaders).map((load) => load()));
}
