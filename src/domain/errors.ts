import { GraphQLError } from 'graphql';
import type { Permission } from './enums';

/** Every code a client may see (docs/domain-rules.md §5). Anything else is masked as INTERNAL_SERVER_ERROR. */
export const PUBLIC_ERROR_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'ALREADY_MEMBER',
  'INVITATION_PENDING',
  'INVITATION_EXPIRED',
  'INVITATION_NOT_PENDING',
  'EMAIL_MISMATCH',
  'EMAIL_NOT_VERIFIED',
  'LAST_ADMIN',
  'RATE_LIMITED',
  'SEAT_LIMIT_REACHED',
  'VERIFICATION_FAILED',
  // Deleting a custom role that memberships or invitations hold, without saying where they go (docs/domain-rules.md §18).
  'ROLE_IN_USE',
  // The caller's sign-in does not satisfy the organization's sign-in policy (docs/domain-rules.md §20).
  'SIGN_IN_POLICY',
  // A sign-in policy that would shut out the caller setting it (docs/domain-rules.md §20).
  'SIGN_IN_POLICY_LOCKOUT',
  // A request to join the same scope is already pending (docs/domain-rules.md §20); `extensions.accessRequestId` names it.
  'ACCESS_REQUEST_PENDING',
  // Deciding or withdrawing a request to join that is no longer PENDING (docs/domain-rules.md §20).
  'ACCESS_REQUEST_NOT_PENDING',
  // The database cannot serve right now (docs/domain-rules.md §17): HTTP 503, try again.
  'SERVICE_UNAVAILABLE',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  // Apollo Server's own answers to malformed requests: client mistakes, never our errors.
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'INTERNAL_SERVER_ERROR',
] as const;

export type ErrorCode = (typeof PUBLIC_ERROR_CODES)[number];

/** Base of the service's own errors: a message meant for the client and a literal code. */
export abstract class AppError extends GraphQLError {
  abstract readonly code: ErrorCode;
  protected constructor(message: string, code: ErrorCode, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { code, ...extensions } });
  }
}

/** No valid credentials. */
export class UnauthenticatedError extends AppError {
  readonly code = 'UNAUTHENTICATED' as const;
  constructor() {
    super('Sign in to do this.', 'UNAUTHENTICATED');
  }
}

/**
 * A bearer token was sent and refused. Thrown while the request's context is built, so the
 * whole request answers 401 with `extensions.reason` (TOKEN_EXPIRED or TOKEN_INVALID): a client
 * can tell "session expired" from "never signed in" (no token at all: an anonymous caller).
 */
export class RejectedTokenError extends AppError {
  readonly code = 'UNAUTHENTICATED' as const;
  constructor(readonly reason: 'TOKEN_EXPIRED' | 'TOKEN_INVALID' | 'USER_ERASED') {
    super(
      reason === 'TOKEN_EXPIRED'
        ? 'The bearer token has expired: sign in again.'
        : reason === 'USER_ERASED'
          ? 'This person was erased, at the identity provider’s request or by an operator.'
          : 'The bearer token is not valid.',
      'UNAUTHENTICATED',
      { reason, http: { status: 401 } },
    );
  }
}

/**
 * A visible thing the caller may not read or change. `extensions.permission` names the
 * permission the caller lacks (docs/domain-rules.md §2), where one does: a frontend can say what to ask for.
 */
export class ForbiddenError extends AppError {
  readonly code = 'FORBIDDEN' as const;
  constructor(options: { permission?: Permission | null; message?: string } = {}) {
    super(
      options.message ??
        (options.permission
          ? `You need the ${options.permission} permission here to do this.`
          : 'You do not have permission to do this.'),
      'FORBIDDEN',
      options.permission ? { permission: options.permission } : {},
    );
  }
}

/**
 * The database cannot serve right now (docs/domain-rules.md §17): a retryable answer, HTTP 503
 * with `Retry-After`, so that a router tries another instance and a frontend says "try again".
 * A request refused this way changed nothing, except in one case no service can rule out: a
 * commit whose acknowledgement was lost with the connection (docs/operations.md says how to tell).
 */
export class ServiceUnavailableError extends AppError {
  readonly code = 'SERVICE_UNAVAILABLE' as const;
  constructor(readonly retryAfterSeconds: number) {
    super('The service cannot reach its database right now; try again shortly.', 'SERVICE_UNAVAILABLE', {
      retryAfter: retryAfterSeconds,
      http: { status: 503, headers: new Map([['retry-after', String(retryAfterSeconds)]]) },
    });
  }
}

/** Missing, or not visible to the caller: the two are deliberately indistinguishable. */
export class NotFoundError extends AppError {
  readonly code = 'NOT_FOUND' as const;
  constructor(what = 'Resource') {
    super(`${what} not found.`, 'NOT_FOUND');
  }
}

/** Input that breaks a rule of docs/domain-rules.md §5; `field` names the offending input field. */
export class BadUserInputError extends AppError {
  readonly code = 'BAD_USER_INPUT' as const;
  constructor(message: string, field?: string) {
    super(message, 'BAD_USER_INPUT', field ? { field } : {});
  }
}

/** Errors whose code comes from this service's own rules (docs/domain-rules.md §3–§4): one named class per code below. */
export abstract class DomainRuleError extends AppError {
  constructor(
    readonly code: Exclude<
      ErrorCode,
      | 'INTERNAL_SERVER_ERROR'
      | 'SERVICE_UNAVAILABLE'
      | 'GRAPHQL_PARSE_FAILED'
      | 'GRAPHQL_VALIDATION_FAILED'
      | 'BAD_REQUEST'
      | 'PERSISTED_QUERY_NOT_FOUND'
      | 'PERSISTED_QUERY_NOT_SUPPORTED'
      | 'OPERATION_RESOLUTION_FAILURE'
    >,
    message: string,
    extensions: Record<string, unknown> = {},
  ) {
    super(message, code, extensions);
  }
}

/** Inviting or granting where the person already holds a role in that scope. */
export class AlreadyMemberError extends DomainRuleError {
  constructor(message = 'This person is already a member here.') {
    super('ALREADY_MEMBER', message);
  }
}

/** Inviting an address that already has a PENDING invitation to the scope: resend that one. */
export class InvitationPendingError extends DomainRuleError {
  /** `extensions.invitationId`: the pending invitation to resend. */
  constructor(readonly invitationId: string) {
    super('INVITATION_PENDING', 'An invitation to this address is already pending here; resend it instead.', {
      invitationId,
    });
  }
}

/** Answering or resending an invitation past its expiry. */
export class InvitationExpiredError extends DomainRuleError {
  constructor() {
    super('INVITATION_EXPIRED', 'This invitation has expired. Ask for a new one.');
  }
}

/** Answering, resending or revoking an invitation that was already answered or withdrawn. */
export class InvitationNotPendingError extends DomainRuleError {
  constructor() {
    super('INVITATION_NOT_PENDING', 'This invitation has already been answered or withdrawn.');
  }
}

/** Answering an invitation signed in with another, or an unverified, address. */
export class EmailMismatchError extends DomainRuleError {
  constructor() {
    super(
      'EMAIL_MISMATCH',
      'This invitation was sent to another address. Sign in with that address (verified) to answer it.',
    );
  }
}

/** Answering an invitation with the invited address, but a token that does not say it is verified. */
export class EmailNotVerifiedError extends DomainRuleError {
  constructor() {
    super(
      'EMAIL_NOT_VERIFIED',
      'Your sign-in does not say this address is verified. Verify it with your identity provider, then answer again.',
    );
  }
}

/** A change that would leave an organization without an ADMIN. */
export class LastAdminError extends DomainRuleError {
  constructor() {
    super('LAST_ADMIN', 'An organization keeps at least one ADMIN: make someone else ADMIN first.');
  }
}

/** More invitation emails for an organization in this clock hour than the limit; `retryAfter` in seconds. */
export class RateLimitedError extends DomainRuleError {
  constructor(
    readonly retryAfter: number,
    message = 'Too many invitations for this organization in this hour. Try again later.',
  ) {
    super('RATE_LIMITED', message, { retryAfter });
  }
}

/**
 * The request's organization already has its share of the instance's database connections busy
 * and its queue full, or the request waited in that queue longer than allowed (docs/domain-rules.md
 * §9): the whole request is refused before it touches the database, HTTP 429 with `Retry-After`,
 * so that one organization's burst never starves the others. Only that organization's requests
 * are refused; nothing was done.
 */
export class OrganizationBusyError extends DomainRuleError {
  constructor(readonly retryAfter: number) {
    super('RATE_LIMITED', 'Too many requests for this organization at once. Try again shortly.', {
      retryAfter,
      http: { status: 429, headers: new Map([['retry-after', String(retryAfter)]]) },
    });
  }
}

/** A change that would give the organization more seats than its `seatLimit`. */
export class SeatLimitReachedError extends DomainRuleError {
  constructor(readonly seatLimit: number) {
    super(
      'SEAT_LIMIT_REACHED',
      `This organization has used all of its ${seatLimit} seats: free one, or raise the limit.`,
      { seatLimit },
    );
  }
}

/** An email domain's TXT record was not found (or not answered) in DNS. */
export class VerificationFailedError extends DomainRuleError {
  constructor(message: string) {
    super('VERIFICATION_FAILED', message);
  }
}

/** docs/domain-rules.md §18: a custom role still held, deleted without `reassign`. */
export class RoleInUseError extends DomainRuleError {
  constructor(readonly holders: number) {
    super(
      'ROLE_IN_USE',
      `This role is held by ${holders} membership(s) or pending invitation(s): name where they go (reassign).`,
      { holders },
    );
  }
}

/** What a sign-in policy asks for that a sign-in lacks (docs/domain-rules.md §20). */
export type SignInRequirement = 'SSO' | 'MFA';

/**
 * docs/domain-rules.md §20: the caller is a member here, but their sign-in does not satisfy the
 * organization's sign-in policy. `extensions` say what to sign in with: `required` (`SSO`, `MFA`),
 * `requireSso` and `ssoConnection` (the connection to sign in through), `requireMfa`, and the
 * `organizationId`, so that a frontend sends the person to sign in again with exactly that.
 */
export class SignInPolicyError extends DomainRuleError {
  constructor(
    readonly organizationId: string,
    readonly required: readonly SignInRequirement[],
    readonly ssoConnection: string | null,
  ) {
    super('SIGN_IN_POLICY', `This organization asks you to sign in ${describe(required)}: sign in again that way.`, {
      organizationId,
      required: [...required],
      requireSso: required.includes('SSO'),
      requireMfa: required.includes('MFA'),
      ssoConnection: required.includes('SSO') ? ssoConnection : null,
    });
  }
}

/** docs/domain-rules.md §20: a policy whose setter's own sign-in does not satisfy it, and who is not break-glass. */
export class SignInPolicyLockoutError extends DomainRuleError {
  constructor(readonly required: readonly SignInRequirement[]) {
    super(
      'SIGN_IN_POLICY_LOCKOUT',
      `This policy would shut you out: your own sign-in lacks ${describe(required)}. ` +
        'Sign in that way first, or name yourself among the break-glass members.',
      { required: [...required] },
    );
  }
}

function describe(required: readonly SignInRequirement[]): string {
  return required
    .map((r) => (r === 'SSO' ? 'through its single sign-on connection' : 'with a second factor'))
    .join(' and ');
}

/** docs/domain-rules.md §20: the person already has a PENDING request to join this scope. */
export class AccessRequestPendingError extends DomainRuleError {
  /** `extensions.accessRequestId`: the pending request (withdraw it, or wait for the decision). */
  constructor(readonly accessRequestId: string) {
    super('ACCESS_REQUEST_PENDING', 'You have already asked to join here; a manager has not decided yet.', {
      accessRequestId,
    });
  }
}

/** docs/domain-rules.md §20: approving, denying or withdrawing a request that was decided, withdrawn or expired. */
export class AccessRequestNotPendingError extends DomainRuleError {
  constructor(readonly status: string) {
    super('ACCESS_REQUEST_NOT_PENDING', `This request is no longer pending (${status}).`, { status });
  }
}
