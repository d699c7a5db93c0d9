/** other.xml: the changelog of every package. */
import type { RepoPackage } from './package-info.js';
import { attrs, escapeText, XML_DECLARATION } from './xml.js';

export function otherPackage(p: RepoPackage): string {
  return `<package${attrs([['pkgid', p.pkgid], ['name', p.name], ['arch', p.arch]])}>\n`
    + `  <version${attrs([['epoch', p.epoch], ['ver', p.version], ['rel', p.release]])}/>\n`
    + p.changelog.map((c) => `  <changelog${attrs([['author', c.author], ['date', c.date]])}>${escapeText(c.text)}</changelog>\n`).join('')
    + '</package>\n';
}

export function otherXml(pkgs: RepoPackage[]): string {
  return XML_DECLARATION
    + `<otherdata xmlns="http://linux.duke.edu/metadata/other" packages="${pkgs.length}">\n`
    + pkgs.map(otherPackage).join('')
    + '</otherdata>';
}
