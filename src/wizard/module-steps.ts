/**
 * The Modules and Extras steps, kept out of the reducer: which modules to package (a checklist,
 * default all), and the declared firmware and extra files (modprobe.d options, modules-load.d,
 * blacklist, udev rules) shipped beside them. What they save is what `dudforge new --yes` writes
 * for the equivalent flags (--module, --ship-declared-firmware, --modprobe-option, --load-at-boot,
 * --blacklist, --udev-rules), and bad input is refused with the validators `new` uses.
 */
import { relative, isAbsolute } from 'node:path';
import type { Answers, ExtraFileAnswers } from '../answers/schema.js';
import { validateField } from '../answers/validate.js';
import { isUserError } from '../errors.js';
import { extraFiles, udevRulesPath } from '../kmod/extra-files.js';
import type { FirmwareReport, ModuleReport } from './module-report.js';
import type { TextFieldKey, WizardState } from './state.js';
import { nextStep, previousStep, type StepId } from './steps.js';
import { editText, type TextEdit } from './text-field.js';

/** The directory whose modules are listed: the first driver directory, as `new` reads it. */
export function moduleDirOf(state: WizardState): string {
  return state.selectedDirs.filter((d) => d !== '.').sort()[0] ?? '.';
}

/** The chosen directory builds several modules (else the Modules step is passed over). */
export function severalModules(state: WizardState): boolean {
  const node = state.tree?.nodes[moduleDirOf(state)];
  if (node) return node.modules.length > 1;
  if (state.moduleReport) return state.moduleReport.modules.length > 1;
  return state.chosenModules !== undefined;
}

/** Enter's destination: the next step, Modules passed over for a single-module driver. */
export function forwardFrom(state: WizardState): StepId {
  const next = nextStep(state.step);
  return next === 'modules' && !severalModules(state) ? nextStep(next) : next;
}

/** Esc's destination, passing over Modules the same way. */
export function backFrom(state: WizardState): StepId {
  const prev = previousStep(state.step);
  return prev === 'modules' && !severalModules(state) ? previousStep(prev) : prev;
}

/** The modules to package: the chosen ones, or every module listed. */
export function chosenModuleList(state: WizardState): string[] {
  return state.chosenModules ?? state.moduleReport?.modules ?? [];
}

/** All chosen again means "every module" (no answers.modules), as `new` without --module. */
function withChosen(state: WizardState, chosen: string[]): WizardState {
  const all = state.moduleReport?.modules ?? [];
  const every = all.length > 0 && all.every((m) => chosen.includes(m));
  return { ...state, chosenModules: every ? undefined : all.filter((m) => chosen.includes(m)), error: undefined };
}

export function toggleModule(state: WizardState): WizardState {
  const modules = state.moduleReport?.modules ?? [];
  const name = modules[Math.max(0, Math.min(state.focus, modules.length - 1))];
  if (!name) return state;
  const chosen = chosenModuleList(state);
  return withChosen(state, chosen.includes(name) ? chosen.filter((m) => m !== name) : [...chosen, name]);
}

/** `a`: every module, or none when every one is chosen. */
export function toggleAllModules(state: WizardState): WizardState {
  if (state.step !== 'modules' || !state.moduleReport) return state;
  return state.chosenModules === undefined ? { ...state, chosenModules: [], error: undefined } : withChosen(state, state.moduleReport.modules);
}

export function modulesLoaded(state: WizardState, report: ModuleReport): WizardState {
  // Another directory (or none of the chosen modules left in it): every module again.
  const chosen = state.chosenModules?.filter((m) => report.modules.includes(m));
  const s = { ...state, moduleReport: report, chosenModules: undefined };
  return chosen && chosen.length ? withChosen(s, chosen) : s;
}

export function firmwareLoaded(state: WizardState, report: FirmwareReport): WizardState {
  // A resumed project that ships every firmware file found had the toggle on.
  const saved = state.baseDoc?.firmware ?? [];
  const restored = !state.firmwareReport && report.found.length > 0 && report.found.every((f) => saved.includes(firmwareEntry(f)));
  return { ...state, firmwareReport: report, shipFirmware: state.shipFirmware || restored };
}

export type ExtrasRow =
  | { kind: 'ship' }
  | { kind: 'fwpkg' }
  | { kind: 'field'; key: Extract<TextFieldKey, `extras.${string}`> }
  | { kind: 'boot'; module: string };

/** The Extras step's rows, in order: firmware, modprobe options, load at boot (one per module), blacklist, udev rules, firmware in its own package. */
export function extrasRows(state: WizardState): ExtrasRow[] {
  return [
    { kind: 'ship' },
    { kind: 'field', key: 'extras.firmwareTree' },
    { kind: 'field', key: 'extras.modprobe' },
    ...chosenModuleList(state).map((module) => ({ kind: 'boot' as const, module })),
    { kind: 'field', key: 'extras.blacklist' },
    { kind: 'field', key: 'extras.udevRules' },
    { kind: 'fwpkg' },
  ];
}

export function focusedExtrasRow(state: WizardState): ExtrasRow | undefined {
  const rows = extrasRows(state);
  return rows[Math.max(0, Math.min(state.focus, rows.length - 1))];
}

/** Firmware is shipped from the sources' own disk copy: a tarball or git revision is read only by the import. */
export function canShipFirmware(state: WizardState): boolean {
  return state.sourceKind === 'dir';
}

export function toggleExtras(state: WizardState): WizardState {
  const row = focusedExtrasRow(state);
  if (row?.kind === 'ship') {
    if (!canShipFirmware(state)) return { ...state, error: { field: 'extras.ship', message: `Ship firmware: a ${state.sourceKind} source is read only by the import; list the files in dudforge.json's firmware (FILE=PATH)` } };
    return { ...state, shipFirmware: !state.shipFirmware, error: undefined };
  }
  if (row?.kind === 'fwpkg') return { ...state, firmwarePackage: !state.firmwarePackage, error: undefined };
  if (row?.kind === 'boot') {
    const on = state.loadAtBoot.includes(row.module);
    return { ...state, loadAtBoot: on ? state.loadAtBoot.filter((m) => m !== row.module) : [...state.loadAtBoot, row.module], error: undefined };
  }
  return state;
}

export function extrasText(state: WizardState, edit: TextEdit): WizardState {
  const row = focusedExtrasRow(state);
  if (row?.kind !== 'field') return state;
  return { ...state, error: undefined, fields: { ...state.fields, [row.key]: editText(state.fields[row.key], edit) } };
}

/** Modprobe options: one `MODULE OPTIONS` line per `;`-separated part. */
export function modprobeLines(state: WizardState): string[] {
  return state.fields['extras.modprobe'].value.split(';').map((l) => l.trim()).filter(Boolean);
}

export function blacklistNames(state: WizardState): string[] {
  return state.fields['extras.blacklist'].value.split(/[\s,]+/).filter(Boolean);
}

/** The firmware entry `new --ship-declared-firmware` writes for a file it found. */
function firmwareEntry(f: { name: string; file: string }): string {
  return `${f.file}=${f.name}`;
}

/** Paths inside the project are stored relative to it (as `new` stores them). */
function storedPath(projectDir: string, abs: string): string {
  const rel = relative(projectDir, abs);
  return rel.startsWith('..') || isAbsolute(rel) ? abs : rel || '.';
}

/** answers.modules: only when not every module is chosen. */
export function modulesAnswer(state: WizardState): string[] | undefined {
  return state.chosenModules ? [...state.chosenModules] : undefined;
}

/** answers.extraFiles as `new` stores the flags; `udevAbs` is the udev rules field made absolute. */
export function extrasAnswer(state: WizardState, projectDir: string, udevAbs: string | undefined): ExtraFileAnswers | undefined {
  const chosen = chosenModuleList(state);
  const boot = chosen.filter((m) => state.loadAtBoot.includes(m));
  const out: ExtraFileAnswers = {
    ...(modprobeLines(state).length ? { modprobeOptions: modprobeLines(state) } : {}),
    ...(boot.length ? { loadAtBoot: boot } : {}),
    ...(udevAbs ? { udevRules: storedPath(projectDir, udevAbs) } : {}),
    ...(blacklistNames(state).length ? { blacklist: blacklistNames(state) } : {}),
  };
  return Object.keys(out).length ? out : undefined;
}

/** answers.firmware: the user's own entries, then the declared files found when shipped. */
export function firmwareAnswer(state: WizardState, base: Partial<Answers>): string[] | undefined {
  const report = state.firmwareReport;
  if (!report) return base.firmware;
  const declared = new Set([...report.names, ...report.found.map((f) => f.name)]);
  const kept = (base.firmware ?? []).filter((e) => !declared.has(e.slice(e.lastIndexOf('=') + 1)));
  const shipped = state.shipFirmware && canShipFirmware(state) ? report.found.map(firmwareEntry).filter((e) => !kept.includes(e)) : [];
  const all = [...kept, ...shipped];
  return all.length ? all : undefined;
}

/** The files the Extras answers install, by path (shown on the step and at Review). */
export function extraFilePaths(name: string, e: ExtraFileAnswers | undefined): string[] {
  if (!e) return [];
  return [
    ...(e.modprobeOptions?.length ? [`/etc/modprobe.d/${name}.conf`] : []),
    ...(e.blacklist?.length ? [`/etc/modprobe.d/${name}-blacklist.conf`] : []),
    ...(e.loadAtBoot?.length ? [`/etc/modules-load.d/${name}.conf`] : []),
    ...(e.udevRules ? [udevRulesPath(name, e.udevRules)] : []),
  ];
}

export interface ModuleStepProblem {
  field: string;
  message: string;
  /** The row to focus. */
  row?: number;
}

/**
 * What keeps the Modules or Extras step from being answered. Field rules come from the answers
 * validator and the extra files' own checks (src/kmod/extra-files.ts), so a value `new --yes`
 * refuses is refused here with the same words. `readUdev` reads and checks the rules file.
 */
export function validateModuleStep(state: WizardState, projectDir: string, udevAbs: string | undefined, readUdev: (file: string) => Buffer): ModuleStepProblem | undefined {
  if (state.step === 'modules') {
    if (!state.moduleReport) return { field: 'modules', message: 'Modules: still reading what the driver directory builds' };
    if (chosenModuleList(state).length === 0) return { field: 'modules', message: 'Modules: choose at least one module (space toggles, a chooses all)' };
    return undefined;
  }
  if (state.step !== 'extras') return undefined;
  const rows = extrasRows(state);
  const rowOf = (key: string) => rows.findIndex((r) => r.kind === 'field' && r.key === key);
  const checks: [string, string, unknown[]][] = [
    ['extras.modprobe', 'extraFiles.modprobeOptions', modprobeLines(state)],
    ['extras.blacklist', 'extraFiles.blacklist', blacklistNames(state)],
  ];
  for (const [key, field, value] of checks) {
    const message = value.length ? validateField(field, value) : undefined;
    if (message) return { field: key, message: `${field}: ${message}`, row: rowOf(key) };
  }
  let udev: Buffer | undefined;
  if (udevAbs) {
    try {
      udev = readUdev(udevAbs);
    } catch (err) {
      if (!isUserError(err)) throw err;
      return { field: 'extras.udevRules', message: err.hint ? `${err.message} — ${err.hint}` : err.message, row: rowOf('extras.udevRules') };
    }
  }
  try {
    extraFiles(state.fields['package.name'].value.trim() || 'driver', extrasAnswer(state, projectDir, udevAbs), chosenModuleList(state), udev);
  } catch (err) {
    if (!isUserError(err)) throw err;
    const key = /blacklist/.test(err.message) ? 'extras.blacklist' : 'extras.modprobe';
    return { field: key, message: err.hint ? `${err.message} — ${err.hint}` : err.message, row: rowOf(key) };
  }
  return undefined;
}

/** A saved document's answers for these steps, put back into the state (resume). */
export function restoreModuleSteps(state: WizardState, doc: Partial<Answers>, abs: (p: string) => string): void {
  if (doc.modules?.length) state.chosenModules = [...doc.modules];
  const e = doc.extraFiles;
  if (!e) return;
  const set = (key: TextFieldKey, value: string) => {
    state.fields[key] = { value, cursor: value.length };
  };
  if (e.modprobeOptions?.length) set('extras.modprobe', e.modprobeOptions.join('; '));
  if (e.blacklist?.length) set('extras.blacklist', e.blacklist.join(' '));
  if (e.udevRules) set('extras.udevRules', abs(e.udevRules));
  if (e.loadAtBoot?.length) state.loadAtBoot = [...e.loadAtBoot];
}
