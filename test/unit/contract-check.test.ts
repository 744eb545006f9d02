import { breakingChanges, judge, readGaps } from '../../src/cli/check-contract';

const header = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])\n';
const contract = `${header}
  type Query { team(id: ID!): Team }
  type Team @key(fields: "id") { id: ID! name: String! size: Int }
  enum Role { ADMIN MEMBER }`;

describe('the contract check', () => {
  it('finds nothing when ours is a superset', () => {
    const ours = `${contract}\n  extend type Team { motto: String }\n  type Extra { id: ID! }`;
    expect(breakingChanges(contract, ours)).toEqual([]);
  });

  it('names every removal and narrowing', () => {
    const ours = `${header}
      type Query { team(id: ID!): Team }
      type Team @key(fields: "id") { id: ID! name: Int! }
      enum Role { ADMIN }`;
    const changes = breakingChanges(contract, ours);
    expect(changes).toContain('MEMBER was removed from enum type Role.');
    expect(changes).toContain('Team.size was removed.');
    expect(changes).toContain('Team.name changed type from String! to Int!.');
  });

  it('fails on a change not listed as a known gap, and on a listed gap that has closed', () => {
    const verdict = judge(['A was removed.', 'B was removed.'], ['B was removed.', 'C was removed.']);
    expect(verdict).toEqual({ unexpected: ['A was removed.'], closed: ['C was removed.'], open: ['B was removed.'] });
    expect(judge(['B was removed.'], ['B was removed.'])).toEqual({
      unexpected: [],
      closed: [],
      open: ['B was removed.'],
    });
  });

  it('reads a gaps file without comments and blank lines', () => {
    expect(readGaps('# issue 13\n\nAuditEvent was removed.\n  Member.viewerCan was removed.  \n')).toEqual([
      'AuditEvent was removed.',
      'Member.viewerCan was removed.',
    ]);
  });
});
