import type { AccessRequestStatus } from './generated';

/** Requests to join worded in one place: each status as the homepage and the Requests tab show it. */
export const REQUEST_STATUS: Record<
  AccessRequestStatus,
  { label: string; tone: 'info' | 'success' | 'danger' | 'warning' }
> = {
  PENDING: { label: 'Waiting for a decision', tone: 'info' },
  APPROVED: { label: 'Approved', tone: 'success' },
  DENIED: { label: 'Denied', tone: 'danger' },
  EXPIRED: { label: 'Expired', tone: 'warning' },
  WITHDRAWN: { label: 'Withdrawn', tone: 'warning' },
};

/** "the organization Acme", "the workspace Web in Acme", "the domain shop.example.com in Acme" */
export function requestPlace(request: {
  organization: { name: string };
  workspace?: { name: string } | null;
  domain?: { hostname: string } | null;
}): string {
  if (request.domain) return `the domain ${request.domain.hostname} in ${request.organization.name}`;
  if (request.workspace) return `the workspace ${request.workspace.name} in ${request.organization.name}`;
  return `the organization ${request.organization.name}`;
}
