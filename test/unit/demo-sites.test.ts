import { DEFAULT_DATABASE_URL } from '../../src/config/config';
import { demoSitesFile } from '../../src/dev/demo-people';

describe('the demo sites file (issue 37, first-hour stumble 7)', () => {
  it('is one per database: seeding MariaDB leaves the embedded SQLite demo its own', () => {
    expect(demoSitesFile(DEFAULT_DATABASE_URL)).toBe('data/demo-sites.json');
    expect(demoSitesFile('mariadb://root@127.0.0.1:3306/membership')).toBe('data/demo-sites-127.0.0.1-membership.json');
    expect(demoSitesFile('mysql://app:secret@db.internal/members')).toBe('data/demo-sites-db.internal-members.json');
    expect(demoSitesFile('sqlite:/tmp/other.sqlite')).toBe('data/demo-sites-tmp-other.json');
    const files = [
      'mariadb://root@127.0.0.1:3306/membership',
      DEFAULT_DATABASE_URL,
      'sqlite:data/elsewhere.sqlite',
    ].map(demoSitesFile);
    expect(new Set(files).size).toBe(3);
  });
});
