/** primary.xml in createrepo_c 0.17's exact layout. */
import type { RepoDependency, RepoPackage } from './package-info.js';
import { isPrimaryFile } from './package-info.js';
import { attrs, escapeText, XML_DECLARATION } from './xml.js';

function depList(tag: string, deps: RepoDependency[], withPre: boolean): string {
  if (deps.length === 0) return '';
  const lines = deps.map((d) => {
    const versioned: [string, string | undefined][] = d.flags ? [['flags', d.flags], ['epoch', d.epoch || undefined], ['ver', d.ver || undefined], ['rel', d.rel || undefined]] : [];
    const pre: [string, string | undefined][] = withPre && d.pre ? [['pre', '1']] : [];
    return `      <rpm:entry${attrs([['name', d.name], ...versioned, ...pre])}/>\n`;
  });
  return `    <rpm:${tag}>\n${lines.join('')}    </rpm:${tag}>\n`;
}

function text(tag: string, value: string, indent: string): string {
  return `${indent}<${tag}>${escapeText(value)}</${tag}>\n`;
}

export function primaryPackage(p: RepoPackage): string {
  const files = p.files.filter((f) => isPrimaryFile(f.path))
    .map((f) => `    <file${attrs([['type', f.type]])}>${escapeText(f.path)}</file>\n`).join('');
  return '<package type="rpm">\n'
    + text('name', p.name, '  ')
    + text('arch', p.arch, '  ')
    + `  <version${attrs([['epoch', p.epoch], ['ver', p.version], ['rel', p.release]])}/>\n`
    + `  <checksum type="sha256" pkgid="YES">${p.pkgid}</checksum>\n`
    + text('summary', p.summary, '  ')
    + text('description', p.description, '  ')
    + text('packager', p.packager, '  ')
    + text('url', p.url, '  ')
    + `  <time${attrs([['file', p.fileTime], ['build', p.buildTime]])}/>\n`
    + `  <size${attrs([['package', p.packageSize], ['installed', p.installedSize], ['archive', p.archiveSize]])}/>\n`
    + `  <location${attrs([['href', p.href]])}/>\n`
    + '  <format>\n'
    + text('rpm:license', p.license, '    ')
    + text('rpm:vendor', p.vendor, '    ')
    + text('rpm:group', p.group, '    ')
    + text('rpm:buildhost', p.buildHost, '    ')
    + text('rpm:sourcerpm', p.sourceRpm, '    ')
    + `    <rpm:header-range${attrs([['start', p.headerStart], ['end', p.headerEnd]])}/>\n`
    + depList('provides', p.provides, false)
    + depList('requires', p.requires, true)
    + depList('conflicts', p.conflicts, false)
    + depList('obsoletes', p.obsoletes, false)
    + files
    + '  </format>\n'
    + '</package>\n';
}

export function primaryXml(pkgs: RepoPackage[]): string {
  return XML_DECLARATION
    + `<metadata xmlns="http://linux.duke.edu/metadata/common" xmlns:rpm="http://linux.duke.edu/metadata/rpm" packages="${pkgs.length}">\n`
    + pkgs.map(primaryPackage).join('')
    + '</metadata>';
}
