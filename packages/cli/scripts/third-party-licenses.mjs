/**
 * The licence notices of the npm packages bundled into keyward (scripts/bundle.mjs): their licences (MIT,
 * ISC) ask that the notice travel with every copy, and the published package carries no node_modules.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';

const NODE_MODULES = `${sep}node_modules${sep}`;

/** The folder of the package a bundled module came from, or undefined for keyward's own modules. */
function packageRoot(moduleId) {
  const at = moduleId.lastIndexOf(NODE_MODULES);
  if (at < 0) return undefined;
  const rest = moduleId.slice(at + NODE_MODULES.length).split(sep);
  const depth = rest[0]?.startsWith('@') ? 2 : 1;
  return join(moduleId.slice(0, at + NODE_MODULES.length), ...rest.slice(0, depth));
}

function licenceText(root) {
  const file = readdirSync(root).find((name) => /^(licen[cs]e|copying)(\.|$)/i.test(name));
  return file ? readFileSync(join(root, file), 'utf8').trim() : undefined;
}

/** One section per bundled package, sorted by name; throws when a package declares no licence. */
export function thirdPartyLicenses(output) {
  const roots = new Set();
  for (const file of output) {
    if (file.type !== 'chunk') continue;
    for (const id of file.moduleIds) {
      const root = packageRoot(id.replace(/^\0/, ''));
      if (root && existsSync(join(root, 'package.json'))) roots.add(root);
    }
  }
  const sections = [...roots].map((root) => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    if (!manifest.license) throw new Error(`bundle: ${manifest.name} (${root}) declares no licence`);
    const text =
      licenceText(root) ?? `(the package ships no licence file; its package.json says ${manifest.license})`;
    return {
      name: manifest.name,
      text: `${manifest.name}@${manifest.version} (${manifest.license})\n\n${text}`,
    };
  });
  sections.sort((a, b) => a.name.localeCompare(b.name));
  return (
    'keyward bundles the following npm packages; their licences follow.\n\n' +
    sections.map((section) => section.text).join(`\n\n${'-'.repeat(72)}\n\n`) +
    '\n'
  );
}
