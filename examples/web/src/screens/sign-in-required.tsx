import { useQuery, type CombinedError } from 'urql';
import { useApi } from '../api';
import { WebBlockedOrganizationDocument } from '../generated';
import { Link } from '../router';
import { tokenEmail } from '../session';
import { Button } from '../ui/button';
import { Callout } from '../ui/misc';

/** What the server says a blocked member lacks (`extensions` of a SIGN_IN_POLICY error, docs/sign-in-policy.md). */
export interface SignInRequirement {
  organizationId: string | null;
  requireSso: boolean;
  requireMfa: boolean;
  ssoConnection: string | null;
}

/** The SIGN_IN_POLICY refusal among an answer's errors, or null. */
export function signInRequirement(error: CombinedError | undefined | null): SignInRequirement | null {
  const found = error?.graphQLErrors.find((e) => e.extensions?.code === 'SIGN_IN_POLICY');
  if (!found) return null;
  const x = found.extensions as Record<string, unknown>;
  return {
    organizationId: typeof x.organizationId === 'string' ? x.organizationId : null,
    requireSso: x.requireSso === true,
    requireMfa: x.requireMfa === true,
    ssoConnection: typeof x.ssoConnection === 'string' ? x.ssoConnection : null,
  };
}

/** "through its single sign-on connection acme-okta and with a second factor" */
export function describeRequirement(r: { requireSso: boolean; requireMfa: boolean; ssoConnection: string | null }) {
  return [
    r.requireSso && `through its single sign-on connection${r.ssoConnection ? ` (${r.ssoConnection})` : ''}`,
    r.requireMfa && 'with a second factor',
  ]
    .filter(Boolean)
    .join(' and ');
}

/**
 * A member whose sign-in does not satisfy the organization's policy: why they cannot get in, and
 * how to (sign in again through the connection, with a second factor). Their membership is intact.
 */
export function SignInRequired(props: { id: string; requirement: SignInRequirement }) {
  const { requirement } = props;
  const api = useApi();
  const [{ data }] = useQuery({ query: WebBlockedOrganizationDocument, variables: { id: props.id } });
  const name = data?.organization?.name ?? 'This organization';
  const how = describeRequirement(requirement);
  return (
    <section aria-labelledby="blocked-heading" className="stack narrow">
      <h1 id="blocked-heading" tabIndex={-1}>
        {data?.organization?.name ?? 'Organization'}
      </h1>
      <Callout tone="warning" role="alert" title={`${name} asks you to sign in ${how}`}>
        <p>
          Its sign-in policy applies to everyone in it, and the way you signed in this time does not meet it. Until you
          sign in again that way, you cannot see or change anything in {name}, its workspaces or its domains. Your
          membership and your roles are unchanged.
        </p>
      </Callout>
      <div className="card stack">
        <h2>What to do</h2>
        <ol className="stack-sm">
          {requirement.requireSso && (
            <li>
              Sign in through {name}&rsquo;s single sign-on
              {requirement.ssoConnection ? (
                <>
                  {' '}
                  (the connection <code>{requirement.ssoConnection}</code>)
                </>
              ) : null}
              , not with a password of your own or another account.
            </li>
          )}
          {requirement.requireMfa && (
            <li>Complete a second factor when asked: an authenticator app, a security key, a text message code.</li>
          )}
          <li>If you cannot, ask an Admin of {name}: they may name a few people who can get in regardless.</li>
        </ol>
        <div className="form-actions">
          <Link to="/">Back to your organizations</Link>
          <Button
            variant="primary"
            onClick={() =>
              api.signInAgain({
                email: tokenEmail(api.token),
                organizationName: data?.organization?.name ?? null,
                mfa: requirement.requireMfa,
                sso: requirement.requireSso ? requirement.ssoConnection : null,
              })
            }
          >
            Sign in again
          </Button>
        </div>
      </div>
    </section>
  );
}
