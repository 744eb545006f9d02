import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVER_NODE_FLAGS } from '../../src/http/node-flags';

/** `npm start` runs the server with the V8 settings the bench measures it with (src/http/node-flags.ts). */
describe('the server’s node flags', () => {
  it('are the ones npm start passes to node, and node takes them', () => {
    const scripts = (
      JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { scripts: Record<string, string> }
    ).scripts;
    expect(scripts.start).toContain(`node ${SERVER_NODE_FLAGS.join(' ')} dist/src/http/main.js`);
    const v8Options = execFileSync(process.execPath, ['--v8-options'], { encoding: 'utf8' });
    for (const flag of SERVER_NODE_FLAGS) expect(v8Options).toContain(flag.replace(/=.*$/, ''));
  });
});
