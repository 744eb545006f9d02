import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

describe('the README', () => {
  it('stays a front door: at most 250 lines', () => {
    expect(readme.split('\n').length).toBeLessThanOrEqual(250);
  });

  it('names every folder of src/ in its layout, and no folder that is not there', () => {
    const folders = readdirSync(join(ROOT, 'src')).filter((name) => statSync(join(ROOT, 'src', name)).isDirectory());
    const layout = readme.slice(readme.indexOf('## Layout'), readme.indexOf('## Scripts'));
    const named = [...new Set([...layout.matchAll(/`src\/([a-z-]+)\/`/g)].map((m) => m[1]))];
    expect(named.sort()).toEqual(folders.sort());
  });

  it('links only to documents that exist', () => {
    const links = [...readme.matchAll(/\]\((docs\/[^)#]+)(?:#[^)]*)?\)/g)].map((m) => m[1]);
    expect(links.length).toBeGreaterThan(10);
    for (const link of links) expect([link, statSync(join(ROOT, link)).isFile()]).toEqual([link, true]);
  });
});
