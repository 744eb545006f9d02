import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { OutboxEmail, OutboxStatus } from '../../../entities/outbox-email.entity';
import type { Config } from '../../config/config';
import { ScopeKind } from '../../domain/enums';
import { escapeHtml, oneLine } from '../../domain/text';

/**
 * The emails of requests to join (docs/domain-rules.md §20), written to the outbox in the
 * transaction of what they announce, like invitation emails: the requester hears the decision,
 * the scope's managers get a digest of what came in (at most one an hour per scope, so per
 * manager and scope). They carry no token; the dispatcher sends them as long as it takes.
 */

/** "Acme", "the Web workspace of Acme", "shop.example.com (Acme)", read inside the transaction. */
export async function scopeLabelOf(
  em: EntityManager,
  row: { scope: ScopeKind; organizationId: string; workspaceId: string | null; domainId: string | null },
): Promise<string> {
  const [organization] = await em.query('SELECT name FROM organizations WHERE id = ?', [row.organizationId]);
  const name = String(organization?.name ?? '');
  if (row.scope === ScopeKind.DOMAIN && row.domainId) {
    const [domain] = await em.query('SELECT hostname FROM domains WHERE id = ?', [row.domainId]);
    return `${String(domain?.hostname ?? '')} (${name})`;
  }
  if (row.scope === ScopeKind.WORKSPACE && row.workspaceId) {
    const [workspace] = await em.query('SELECT name FROM workspaces WHERE id = ?', [row.workspaceId]);
    return `the ${String(workspace?.name ?? '')} workspace of ${name}`;
  }
  return name;
}

async function queue(
  em: EntityManager,
  organizationId: string,
  recipient: string,
  mail: { subject: string; text: string; html: string },
  now: Date,
): Promise<void> {
  await em.insert(OutboxEmail, {
    id: randomUUID(),
    organizationId,
    invitationId: null,
    recipient,
    subject: mail.subject,
    textBody: mail.text,
    htmlBody: mail.html,
    status: OutboxStatus.PENDING,
    attempts: 0,
    nextAttemptAt: now,
    claimToken: null,
    claimedUntil: null,
    lastError: null,
    sentAt: null,
    createdAt: now,
    updatedAt: now,
  });
}

export interface DecisionFacts {
  organizationId: string;
  recipient: string;
  scopeLabel: string;
  decision: 'APPROVED' | 'DENIED';
  role?: string | null;
  accessExpiresAt?: Date | null;
  reason?: string | null;
}

/** The decision, to the requester. */
export async function queueDecisionEmail(
  em: EntityManager,
  config: Config,
  facts: DecisionFacts,
  now: Date,
): Promise<void> {
  if (facts.recipient === '') return;
  const label = oneLine(facts.scopeLabel);
  const approved = facts.decision === 'APPROVED';
  const subject = approved
    ? `Your request to join ${label} was approved`
    : `Your request to join ${label} was declined`;
  const lines = approved
    ? [
        `You are now a member of ${facts.scopeLabel} as ${facts.role ?? 'MEMBER'}.`,
        ...(facts.accessExpiresAt ? [`Your access will end on ${facts.accessExpiresAt.toUTCString()}.`] : []),
        '',
        `Open it: ${config.appUrl}/`,
      ]
    : [
        `Your request to join ${facts.scopeLabel} was declined.`,
        ...(facts.reason ? ['', `The reason given: ${facts.reason}`] : []),
      ];
  const text = lines.join('\n');
  const html = lines
    .filter((line) => line !== '')
    .map((line) => `<p>${escapeHtml(line)}</p>`)
    .join('\n');
  await queue(em, facts.organizationId, facts.recipient, { subject, text, html }, now);
}

export interface DigestEntry {
  name: string | null;
  email: string;
  message: string | null;
}

/** What came in for a scope since its managers' last digest, to one manager. */
export async function queueDigestEmail(
  em: EntityManager,
  config: Config,
  facts: { organizationId: string; recipient: string; scopeLabel: string; entries: readonly DigestEntry[] },
  now: Date,
): Promise<void> {
  const count = facts.entries.length;
  const label = oneLine(facts.scopeLabel);
  const subject = `${count} new ${count === 1 ? 'request' : 'requests'} to join ${label}`;
  const who = (entry: DigestEntry) => (entry.name ? `${entry.name} <${entry.email}>` : entry.email);
  const link = `${config.appUrl}/organizations/${facts.organizationId}/requests`;
  const text = [
    `New requests to join ${facts.scopeLabel}:`,
    '',
    ...facts.entries.map((entry) => `- ${who(entry)}${entry.message ? `: ${entry.message}` : ''}`),
    '',
    `Approve or deny them: ${link}`,
  ].join('\n');
  const html = [
    `<p>New requests to join <strong>${escapeHtml(facts.scopeLabel)}</strong>:</p>`,
    '<ul>',
    ...facts.entries.map(
      (entry) => `<li>${escapeHtml(who(entry))}${entry.message ? `: ${escapeHtml(entry.message)}` : ''}</li>`,
    ),
    '</ul>',
    `<p><a href="${escapeHtml(link)}">Approve or deny them</a></p>`,
  ].join('\n');
  await queue(em, facts.organizationId, facts.recipient, { subject, text, html }, now);
}
