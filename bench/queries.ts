import { DataSource } from 'typeorm';
import { signDevelopmentToken } from '../src/auth/jwt';
import { type BenchOrganization } from './dataset';
import { body, DURATION, type Measurement, post, SECRET, type Server } from './harness';

/** The queries of the bench's mix and of the size axis, and the invite + accept flow. */

export const MEMBERS_PAGE = `query Members($id: ID!, $after: String) { organization(id: $id) { id name members(first: 50, after: $after) {
  totalCount edges { cursor node { id role createdAt user { id email displayName } } } pageInfo { hasNextPage endCursor } } } }`;
export const MEMBER_COUNT = `query Count($id: ID!) { organization(id: $id) { members(first: 1) { totalCount } } }`;
// The size axis compares one organization of 10 members with a large one: the same rows on each
// side (a page of 5, the MEMBER role, searches whose answers fill the page at both sizes — or
// hold the one member a prefix names), so that what differs is the size of the organization, not
// the size of the answer. The people are `largeMember`s: half have a first name beginning "Al",
// everyone's address is at <label>.example, and e0000005 is one person.
export const AXIS_PAGE = `query Members($id: ID!) { organization(id: $id) { id name members(first: 5) {
  totalCount edges { cursor node { id role createdAt user { id email displayName } } } pageInfo { hasNextPage endCursor } } } }`;
export const AXIS_ROLE = `query Role($id: ID!) { organization(id: $id) { members(first: 5, role: MEMBER) {
  totalCount nodes { id role user { email displayName } } pageInfo { hasNextPage endCursor } } } }`;
export const AXIS_SEARCH = `query Search($id: ID!, $q: String!) { organization(id: $id) { members(first: 5, query: $q) {
  nodes { id role user { email displayName } } pageInfo { hasNextPage endCursor } } } }`;
export const AXIS_SEARCH_COUNTED = `query Search($id: ID!, $q: String!) { organization(id: $id) { members(first: 5, query: $q) {
  totalCount totalCountIsLowerBound nodes { id role user { email displayName } } } } }`;
/** The searches of the size axis, each with a goal, and one more measured for what it costs. */
export const AXIS_SEARCHES = (label: string) => [
  { name: 'axis: search, one word', q: label, counted: false },
  { name: 'axis: search, two words', q: `al ${label}`, counted: false },
  { name: 'axis: search, 1 member', q: 'e0000005', counted: false },
  { name: 'axis: search, 50 %', q: 'al', counted: false },
  { name: 'axis: search, 50 %, with totalCount', q: 'al', counted: true },
];
export const ME_TREE = `{ me { id organizations(first: 10) { nodes { id name viewerRole workspaces { id name domains { id hostname
  members(first: 10) { totalCount nodes { role user { email } } } } } } } } }`;
export const WORKSPACE = `query Workspace($id: ID!) { workspace(id: $id) { id name viewerPermissions domains { id hostname }
  members(first: 50) { totalCount nodes { role user { email displayName } } } } }`;
export const ENTITIES = `query Entities($r: [_Any!]!) { _entities(representations: $r) { ... on Domain { id hostname workspace { id name } } } }`;

export async function acceptFlow(server: Server, org: BenchOrganization, adminToken: string, db: DataSource) {
  const latencies: number[] = [];
  const deadline = Date.now() + DURATION * 1000;
  let n = 0;
  const worker = async () => {
    while (Date.now() < deadline) {
      const email = `invitee-${process.pid}-${n++}-${Math.random().toString(36).slice(2)}@bench.example`;
      const started = performance.now();
      const invited = await post(server.url, {
        name: 'invite',
        token: adminToken,
        body: body(
          'mutation($e: String!, $o: ID!) { inviteMember(input: { scope: { organizationId: $o }, email: $e }) { id } }',
          {
            e: email,
            o: org.organizationId,
          },
        ),
      });
      const [row] = await db.query('SELECT text_body FROM outbox_emails WHERE invitation_id = ?', [
        invited.inviteMember.id,
      ]);
      const token = /token=([A-Za-z0-9_-]+)/.exec(row.text_body)![1];
      const invitee = await signDevelopmentToken(SECRET, { sub: `bench|${email}`, email, name: 'Invitee' });
      await post(server.url, {
        name: 'accept',
        token: invitee,
        body: body('mutation($t: String!) { acceptInvitation(input: { token: $t }) { id } }', { t: token }),
      });
      latencies.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  latencies.sort((a, b) => a - b);
  const stats = await server.stats();
  return {
    query: 'invite + accept flow',
    size: org.size,
    server: 'membership',
    requestsPerSecond: Math.round(latencies.length / DURATION),
    p50Ms: Math.round(latencies[Math.floor(latencies.length * 0.5)]),
    p99Ms: Math.round(latencies[Math.floor(latencies.length * 0.99)]),
    statementsPerRequest: NaN,
    peakRssMb: Math.round(stats.maxRssBytes / 1e6),
    errors: 0,
  } satisfies Measurement;
}
