/** Which fields each form step shows, and their labels. */
import type { FieldKey, WizardState } from './state.js';

export const FIELD_LABELS: Record<FieldKey, string> = {
  'project.name': 'Project name',
  'project.dir': 'Directory',
  'project.vendor': 'Vendor',
  'project.author': 'Author',
  'project.email': 'E-mail',
  'source.kind': 'Source',
  'source.path': 'Directory',
  'source.file': 'Tarball',
  'source.repo': 'Repository',
  'source.rev': 'Revision',
  'package.name': 'Name',
  'package.version': 'Version',
  'package.release': 'Release',
  'package.license': 'License',
  'package.summary': 'Summary',
  'package.description': 'Description',
  'signing.mode': 'Signing',
  'signing.key': 'Private key',
  'signing.cert': 'Certificate',
  'signing.dir': 'Key directory',
  'kernels.add': 'Build tree',
  'dirs.filter': 'Filter',
  'extras.firmwareTree': 'Firmware tree',
  'extras.modprobe': 'Modprobe options',
  'extras.blacklist': 'Blacklist',
  'extras.udevRules': 'Udev rules',
};

export const SIGNING_MODES = [
  { mode: 'none', label: 'No signing' },
  { mode: 'key', label: 'An existing key and certificate' },
  { mode: 'generate', label: 'Generate a new key pair' },
] as const;

/** The focusable fields of a form step, in order (list steps return an empty list). */
export function stepFields(state: WizardState): FieldKey[] {
  switch (state.step) {
    case 'project':
      return ['project.name', 'project.dir', 'project.vendor', 'project.author', 'project.email'];
    case 'source':
      return [
        'source.kind',
        ...(state.sourceKind === 'dir' ? (['source.path'] as const) : state.sourceKind === 'tar' ? (['source.file'] as const) : (['source.repo', 'source.rev'] as const)),
      ];
    case 'package':
      return ['package.name', 'package.version', 'package.release', 'package.license', 'package.summary', 'package.description'];
    case 'signing':
      return ['signing.mode', ...(state.signingMode === 'key' ? (['signing.key', 'signing.cert'] as const) : state.signingMode === 'generate' ? (['signing.dir'] as const) : [])];
    default:
      return [];
  }
}

export function isChoice(field: FieldKey): field is 'source.kind' | 'signing.mode' {
  return field === 'source.kind' || field === 'signing.mode';
}
