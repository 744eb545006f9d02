import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performanceMarkdown } from '../../bench/performance-doc';

describe('docs/performance.md', () => {
  it('is what the benchmark results say (run `npm run docs:performance` after `npm run bench`)', () => {
    expect(readFileSync(resolve(__dirname, '../../docs/performance.md'), 'utf8')).toBe(performanceMarkdown());
  });

  it('shows every measured figure of every results file', () => {
    const page = performanceMarkdown();
    const files = readdirSync(resolve(__dirname, '../../bench/results')).filter(
      (file) => file.startsWith('latest-') && file.endsWith('.json'),
    );
    expect(files).toEqual(expect.arrayContaining(['latest-mariadb.json', 'latest-sqlite.json']));
    for (const file of files) {
      const run = JSON.parse(readFileSync(resolve(__dirname, '../../bench/results', file), 'utf8'));
      expect(page).toContain(`bench/results/${file}`);
      const section = page.split('\n## ').find((part) => part.includes(`(\`bench/results/${file}\`)`)) ?? '';
      const rows = section.split('\n').map((line) => line.split('|').map((cell) => cell.trim()));
      for (const r of run.results) {
        const row = rows.find((cells) => cells[1] === r.query && cells[2] === String(r.size) && cells[3] === r.server);
        expect([r.query, r.size, r.server, row?.[4]]).toEqual([r.query, r.size, r.server, String(r.requestsPerSecond)]);
      }
    }
  });
});
