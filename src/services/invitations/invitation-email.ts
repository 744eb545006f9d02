import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Invitation } from '../../../entities/invitation.entity';
import { OutboxEmail, OutboxStatus } from '../../../entities/outbox-email.entity';
import type { Config } from '../../config/config';
import { escapeHtml, oneLine } from '../../domain/text';

export interface InvitationEmailFacts {
  organizationName: string;
  /** "the Web workspace of Acme", "shop.example.com in Acme", or "Acme". */
  scopeLabel: string;
  inviterName: string;
  role: string;
  expiresAt: Date;
  /** When the access that accepting gives ends by itself; absent or null for lasting access. */
  accessExpiresAt?: Date | null;
}

export function invitationLink(config: Config, token: string): string {
  return `${config.appUrl}/invitations/accept?token=${token}`;
}

/** An invitation link's start, whatever APP_URL it was written with (escaped or not, in HTML). */
const LINK_START = /\bhttps?:\/\/[^\s"'<>]+?\/invitations\/accept\?token=/g;

/**
 * An email's links as they lead from the server that sends it: to its APP_URL. An email written
 * earlier — by `npm run seed`, or before APP_URL changed — would otherwise send people to where
 * the web app was then. Only our own invitation links match; nothing else in the email changes.
 */
export function linksFromHere(config: Config, body: string, html = false): string {
  const start = `${html ? escapeHtml(config.appUrl) : config.appUrl}/invitations/accept?token=`;
  return body.replace(LINK_START, start);
}

/** Subject, plain text and HTML of an invitation email. */
export function composeInvitationEmail(config: Config, facts: InvitationEmailFacts, token: string) {
  const link = invitationLink(config, token);
  const inviter = oneLine(facts.inviterName);
  const organization = oneLine(facts.organizationName);
  const subject = `${inviter} invited you to join ${organization}`;
  const expires = facts.expiresAt.toUTCString();
  const until = facts.accessExpiresAt ? `Your access will end on ${facts.accessExpiresAt.toUTCString()}.` : null;
  const text = [
    `${inviter} invited you to join ${facts.scopeLabel} as ${facts.role}.`,
    ...(until ? [until] : []),
    '',
    `Accept the invitation: ${link}`,
    '',
    `The link works once and expires on ${expires}. If you did not expect this email, ignore it.`,
  ].join('\n');
  const html = [
    `<p>${escapeHtml(inviter)} invited you to join <strong>${escapeHtml(facts.scopeLabel)}</strong> as ${escapeHtml(facts.role)}.</p>`,
    ...(until ? [`<p>${escapeHtml(until)}</p>`] : []),
    `<p><a href="${escapeHtml(link)}">Accept the invitation</a></p>`,
    `<p>The link works once and expires on ${escapeHtml(expires)}. If you did not expect this email, ignore it.</p>`,
  ].join('\n');
  return { subject, text, html };
}

/** Writes the invitation email to the outbox, in the caller's transaction (docs/domain-rules.md §4). */
export async function queueInvitationEmail(
  em: EntityManager,
  config: Config,
  invitation: Invitation,
  facts: InvitationEmailFacts,
  token: string,
  now: Date,
): Promise<void> {
  const { subject, text, html } = composeInvitationEmail(config, facts, token);
  await em.insert(OutboxEmail, {
    id: randomUUID(),
    organizationId: invitation.organizationId,
    invitationId: invitation.id,
    recipient: invitation.email,
    subject,
    textBody: text,
    htmlBody: html,
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

/** The stored copy of a sent (or cancelled) email keeps no usable token. */
export function redactTokens(body: string): string {
  return body.replace(/token=[A-Za-z0-9_-]+/g, 'token=[redacted]');
}
