import { useQuery } from 'urql';
import { ErrorMessage } from '../errors';
import { WebExplainAccessDocument, type WebUserFragment } from '../generated';
import { heldRoleName, keyLabel, ROLE_LABEL, SCOPE_LABEL } from '../roles';
import { Button } from '../ui/button';
import { Dialog } from '../ui/dialog';
import { Loading } from '../ui/misc';
import { Person, RoleBadge } from '../ui/person';
import { scopeInput, type ScopeView, useOrganization } from '../organization-context';

const nameOf = (user: WebUserFragment) => user.displayName ?? user.email;

/**
 * "Why this access?": the server's explanation (explainAccess) of one person's access here — each
 * membership it comes from, with the custom role held there and the keys that role adds at this
 * kind of scope, then everything they may do, built-in and declared.
 */
export function ExplainAccessDialog(props: { user: WebUserFragment; scope: ScopeView; onClose: () => void }) {
  const { user } = props;
  const { organization } = useOrganization();
  const [{ data, error, fetching }] = useQuery({
    query: WebExplainAccessDocument,
    variables: { scope: scopeInput(props.scope), userId: user.id },
    requestPolicy: 'network-only',
  });
  const explanation = data?.explainAccess;
  const description = (key: string) => data?.permissions.find((p) => p.key === key)?.description;
  // Declared keys (not the built-in Permission values), listed after the built-in ones.
  const declared = explanation?.permissionKeys.filter((k) => !(explanation.permissions as string[]).includes(k)) ?? [];
  return (
    <Dialog
      title={`Why ${nameOf(user)} has access`}
      onClose={props.onClose}
      footer={
        <Button variant="primary" onClick={props.onClose} data-autofocus>
          Close
        </Button>
      }
    >
      <Person user={user} />
      {fetching && !explanation && <Loading />}
      <ErrorMessage error={error} />
      {explanation && (
        <>
          <p className="explain-summary">
            In {props.scope.phrase}:{' '}
            {explanation.effectiveRole ? <RoleBadge role={explanation.effectiveRole} /> : 'no access'}
          </p>
          {explanation.sources.length > 0 && (
            <>
              <h3 className="small">Because they are</h3>
              <ul>
                {explanation.sources.map((source) => {
                  const where =
                    source.scope === 'ORGANIZATION'
                      ? `the organization ${organization.name}`
                      : source.scope === 'WORKSPACE'
                        ? `the workspace ${source.member?.workspace?.name ?? (source.direct ? props.scope.label : 'above')}`
                        : `the domain ${source.member?.domain?.hostname ?? props.scope.label}`;
                  const custom = source.customRole;
                  const adds = custom?.grants.find((g) => g.scope === props.scope.kind)?.keys ?? [];
                  return (
                    <li key={`${source.scope}:${source.role}:${custom?.id ?? ''}`}>
                      {heldRoleName(source.role, custom)} of {where}
                      {custom && ` (a custom role on ${ROLE_LABEL[source.role]})`}
                      {source.direct ? '' : `, passed down to this ${SCOPE_LABEL[props.scope.kind]}`}
                      {custom &&
                        (adds.length > 0 ? (
                          <ul aria-label={`What ${custom.name} adds here`}>
                            {adds.map((key) => (
                              <li key={key}>
                                {keyLabel(key, description(key))} <span className="key muted">{key}</span>
                              </li>
                            ))}
                          </ul>
                        ) : (
                          `; ${custom.name} adds nothing at ${SCOPE_LABEL[props.scope.kind]} scope`
                        ))}
                    </li>
                  );
                })}
              </ul>
            </>
          )}
          {explanation.heldBelow.length > 0 && (
            <>
              <h3 className="small">
                They also hold, below {props.scope.kind === 'ORGANIZATION' ? 'the organization' : 'it'}
              </h3>
              <ul aria-label="Roles held below">
                {explanation.heldBelow.map((source) => (
                  <li key={source.member?.id ?? `${source.scope}:${source.role}`}>
                    {heldRoleName(source.role, source.customRole)} of{' '}
                    {source.scope === 'WORKSPACE'
                      ? `the workspace ${source.member?.workspace?.name ?? ''}`
                      : `the domain ${source.member?.domain?.hostname ?? ''}`}
                  </li>
                ))}
              </ul>
              <p className="small muted">
                Access passes down, never up: these give nothing in {props.scope.phrase} itself.
              </p>
            </>
          )}
          {explanation.permissionKeys.length > 0 && (
            <>
              <h3 className="small">So they may</h3>
              <ul>
                {[...explanation.permissions, ...declared].map((key) => (
                  <li key={key}>{keyLabel(key, description(key))}</li>
                ))}
              </ul>
            </>
          )}
        </>
      )}
    </Dialog>
  );
}
