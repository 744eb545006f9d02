import type { ReactNode } from 'react';
import type { Role } from '../generated';
import { ROLE_LABEL } from '../roles';

/** White text reads at 4.5:1 or more on each of these. */
const AVATAR_COLOURS = ['#1d4ea3', '#5b2fae', '#0b645c', '#9a3412', '#155e75', '#86198f', '#3f6212', '#374151'];

export function initials(name: string | null | undefined, email: string): string {
  const words = (name ?? '').trim().split(/\s+/).filter(Boolean);
  if (words.length >= 2) return (words[0][0] + words[words.length - 1][0]).toUpperCase();
  if (words.length === 1) return words[0].slice(0, 2).toUpperCase();
  return email.slice(0, 2).toUpperCase();
}

function colourOf(key: string): string {
  let hash = 0;
  for (const char of key) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return AVATAR_COLOURS[hash % AVATAR_COLOURS.length];
}

/** Initials on a colour of their own; decorative, since the name is always written beside it. */
export function Avatar(props: { name?: string | null; email: string; small?: boolean }) {
  return (
    <span
      className={props.small ? 'avatar avatar-sm' : 'avatar'}
      style={{ background: colourOf(props.email.toLowerCase()) }}
      aria-hidden="true"
    >
      {initials(props.name, props.email)}
    </span>
  );
}

/** A person as every list shows them: avatar, name with "(you)", address under it. */
export function Person(props: {
  user: { email: string; displayName?: string | null };
  isYou?: boolean;
  extra?: ReactNode;
}) {
  const { user } = props;
  return (
    <div className="person">
      <Avatar name={user.displayName} email={user.email} />
      <div className="person-text">
        <span className="person-name">
          {user.displayName ?? user.email}
          {props.isYou && <span className="you"> (you)</span>}
        </span>
        {user.displayName && <span className="person-email">{user.email}</span>}
        {props.extra}
      </div>
    </div>
  );
}

export function RoleBadge(props: { role: Role; children?: ReactNode }) {
  return (
    <span className={`badge badge-role-${props.role}`}>
      {ROLE_LABEL[props.role]}
      {props.children}
    </span>
  );
}

/**
 * What a membership or an invitation holds: its built-in role, or its custom role's name with the
 * base role it is built on beside it ("Auditor · on Member").
 */
export function HeldRoleBadge(props: { role: Role; customRole?: { name: string } | null }) {
  if (!props.customRole) return <RoleBadge role={props.role} />;
  return (
    <span className="held-role">
      <span className="badge badge-role-custom">{props.customRole.name}</span>
      <span className="small muted">on {ROLE_LABEL[props.role]}</span>
    </span>
  );
}

export function Badge(props: { tone?: 'success' | 'warning' | 'danger' | 'info'; children: ReactNode }) {
  return <span className={props.tone ? `badge badge-${props.tone}` : 'badge'}>{props.children}</span>;
}

/** "N of M seats used" with a bar; "N seats used, no limit" without one. */
export function SeatMeter(props: { used: number; limit: number | null | undefined }) {
  const { used, limit } = props;
  if (limit === null || limit === undefined) {
    return (
      <span className="seat-count">
        {used} {used === 1 ? 'seat' : 'seats'} used · no limit
      </span>
    );
  }
  const ratio = limit === 0 ? 1 : Math.min(1, used / limit);
  return (
    <span className="meter">
      <span className="seat-count">
        {used} of {limit} seats used
      </span>
      <span className="meter-bar" aria-hidden="true">
        <span className={ratio >= 1 ? 'meter-fill full' : 'meter-fill'} style={{ width: `${ratio * 100}%` }} />
      </span>
    </span>
  );
}

/** Someone the organization's directory provisioned (SCIM): changed there rather than here. */
export function DirectoryBadge() {
  return (
    <span className="badge badge-info" title="Added, changed and removed by your identity provider's directory (SCIM)">
      Managed by your directory
    </span>
  );
}
