import { randomUUID } from 'node:crypto';
import { ManualClock } from '../../../src/config/clock';
import { loadConfig } from '../../../src/config/config';
import { toSqlDateTime } from '../../../src/db/sql';
import { AuditRetention } from '../../../src/jobs/audit-retention';
import { createLogger } from '../../../src/observability/logger';
import { auditEventId } from '../../../src/services/audit/audit.service';
import { describeOnEachDatabase, useHarness } from '../../support/each-database';
import { createOrganization } from '../../support/factories';

const DAY = 86_400_000;

/**
 * docs/domain-rules.md §16: with AUDIT_RETENTION_DAYS, the sweep deletes exactly the events older
 * than that (with their webhook deliveries), in batches, one instance at a time.
 */
describeOnEachDatabase('audit retention', (kind) => {
  const clock = new ManualClock(new Date('2026-12-01T09:00:00Z'));
  const h = useHarness(kind, { AUDIT_RETENTION_DAYS: '30' }, { nudgeOutbox: false, clock });

  async function event(organizationId: string, at: Date): Promise<string> {
    const id = auditEventId(at.getTime());
    await h.database.db.query(
      `INSERT INTO audit_events (id, action, occurred_at, scope, organization_id, source) VALUES (?, 'ORGANIZATION_UPDATED', ?, 'ORGANIZATION', ?, 'USER')`,
      [id, toSqlDateTime(at), organizationId],
    );
    await h.database.db.query(
      `INSERT INTO webhook_deliveries (id, endpoint_id, organization_id, event_id, action, url, secret, body, status, attempts, created_at, updated_at)
       VALUES (?, ?, ?, ?, 'ORGANIZATION_UPDATED', 'https://example.test/', 'whsec_x', '{}', 'DELIVERED', 1, ?, ?)`,
      [randomUUID(), randomUUID(), organizationId, id, toSqlDateTime(at), toSqlDateTime(at)],
    );
    return id;
  }

  const ids = async (table: 'audit_events' | 'webhook_deliveries', column: string, organizationId: string) =>
    (
      await h.database.db.query(`SELECT ${column} AS id FROM ${table} WHERE organization_id = ? ORDER BY ${column}`, [
        organizationId,
      ])
    ).map((row: { id: string }) => row.id);

  it('deletes exactly what is older than the retention, with its deliveries, in batches', async () => {
    const admin = await h.person('retention');
    const organization = await createOrganization(h, admin, 'Retained');
    const cutoff = new Date(clock.now().getTime() - 30 * DAY);
    const old: string[] = [];
    // More than two batches of events older than the cutoff, down to a millisecond before it.
    for (let i = 0; i < 1_234; i++) old.push(await event(organization.id, new Date(cutoff.getTime() - 1 - i * 60_000)));
    const kept = [
      ...(await ids('audit_events', 'id', organization.id)).filter((id: string) => !old.includes(id)),
      await event(organization.id, cutoff),
      await event(organization.id, new Date(cutoff.getTime() + 1)),
    ].sort();

    expect(await h.app.retention.runOnce()).toBe(1_234);
    expect(await ids('audit_events', 'id', organization.id)).toEqual(kept);
    expect((await ids('webhook_deliveries', 'event_id', organization.id)).sort()).toEqual(kept.slice(-2).sort());
    // Nothing more until time moves: then the next oldest goes.
    expect(await h.app.retention.runOnce()).toBe(0);
    clock.advance(1);
    expect(await h.app.retention.runOnce()).toBe(1);
  });

  it('runs on one instance at a time, and keeps everything when no retention is set', async () => {
    const admin = await h.person('leases');
    const organization = await createOrganization(h, admin, 'Leased');
    for (let i = 0; i < 50; i++) await event(organization.id, new Date(clock.now().getTime() - 40 * DAY - i));
    const logger = createLogger({ silent: true });
    const other = new AuditRetention(h.database.db, { ...h.config, clock }, logger);
    // Both reach for the lease at once: the events are deleted once, by one of them.
    const deleted = await Promise.all([h.app.retention.runOnce(), other.runOnce()]);
    expect(deleted.sort((a, b) => a - b)).toEqual([0, 50]);
    const [lease] = await h.database.db.query("SELECT holder FROM job_leases WHERE name = 'audit-retention'");
    expect(lease.holder).toBeNull(); // given back when done
    const forever = new AuditRetention(h.database.db, { ...loadConfig({ NODE_ENV: 'test' }), clock }, logger);
    await event(organization.id, new Date(clock.now().getTime() - 4000 * DAY));
    expect(await forever.runOnce()).toBe(0);
    expect((await ids('audit_events', 'id', organization.id)).length).toBeGreaterThan(0);
  });
});
