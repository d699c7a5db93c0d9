/** filelists.xml: every path of every package, directories marked. */
import type { RepoPackage } from './package-info.js';
import { attrs, escapeText, XML_DECLARATION } from './xml.js';

export function filelistsPackage(p: RepoPackage): string {
  return `<package${attrs([['pkgid', p.pkgid], ['name', p.name], ['arch', p.arch]])}>\n`
    + `  <version${attrs([['epoch', p.epoch], ['ver', p.version], ['rel', p.release]])}/>\n`
    + p.files.map((f) => `  <file${attrs([['type', f.type]])}>${escapeText(f.path)}</file>\n`).join('')
    + '</package>\n';
}

export function filelistsXml(pkgs: RepoPackage[]): string {
  return XML_DECLARATION
    + `<filelists xmlns="http://linux.duke.edu/metadata/filelists" packages="${pkgs.length}">\n`
    + pkgs.map(filelistsPackage).join('')
    + '</filelists>';
}
