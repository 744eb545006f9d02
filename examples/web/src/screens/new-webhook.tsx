import { type FormEvent, useState } from 'react';
import { useMutation } from 'urql';
import { ALL_AUDIT_ACTIONS, AUDIT_GROUPS, auditLabel } from '../audit';
import { ErrorMessage, fieldErrors } from '../errors';
import { type AuditAction, type WebWebhookEndpointFragment, WebCreateWebhookDocument } from '../generated';
import { useAnnounce } from '../ui/announcer';
import { Button } from '../ui/button';
import { Checkbox, RadioCards, TextField } from '../ui/fields';
import { useOrganization } from '../organization-context';

/** The form that adds a webhook endpoint: its URL and the events it receives (all, or those picked). */
export function NewWebhook(props: { onCreated: (endpoint: WebWebhookEndpointFragment, secret: string) => void }) {
  const { organization } = useOrganization();
  const announce = useAnnounce();
  const [url, setUrl] = useState('');
  const [which, setWhich] = useState<'all' | 'some'>('all');
  const [actions, setActions] = useState<AuditAction[]>([]);
  const [result, create] = useMutation(WebCreateWebhookDocument);
  const errors = fieldErrors(result.error, { url: 'URL', actions: 'Events' });
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const done = await create({
      input: { organizationId: organization.id, url, actions: which === 'all' ? [] : actions },
    });
    if (done.data) {
      announce(`Endpoint ${done.data.createWebhookEndpoint.endpoint.url} added. Copy its secret now.`);
      setUrl('');
      setActions([]);
      setWhich('all');
      props.onCreated(done.data.createWebhookEndpoint.endpoint, done.data.createWebhookEndpoint.secret);
    }
  };
  return (
    <form className="card stack" onSubmit={submit} aria-labelledby="new-webhook-heading">
      <h3 id="new-webhook-heading">Add an endpoint</h3>
      <TextField
        label="Endpoint URL"
        hint="An https address of yours that answers 2xx."
        type="url"
        placeholder="https://hooks.example.com/membership"
        value={url}
        onChange={(e) => setUrl(e.target.value)}
        required
        error={errors.byField.url}
      />
      <RadioCards<'all' | 'some'>
        legend="Events"
        name="events"
        value={which}
        onChange={setWhich}
        choices={[
          { value: 'all', label: 'All events', description: 'Including the kinds added later.' },
          { value: 'some', label: 'Only the events I pick' },
        ]}
      />
      {which === 'some' && (
        <div className="grid">
          {AUDIT_GROUPS.map((group) => (
            <fieldset key={group.label} className="stack-sm">
              <legend className="field-label">{group.label}</legend>
              {group.actions.map((action) => (
                <Checkbox
                  key={action}
                  label={auditLabel(action)}
                  checked={actions.includes(action)}
                  onChange={(e) =>
                    setActions(
                      e.target.checked
                        ? ALL_AUDIT_ACTIONS.filter((a) => a === action || actions.includes(a))
                        : actions.filter((a) => a !== action),
                    )
                  }
                />
              ))}
            </fieldset>
          ))}
        </div>
      )}
      {errors.byField.actions && <p className="field-error">{errors.byField.actions}</p>}
      <ErrorMessage error={errors.others} />
      <div className="form-actions">
        <Button
          type="submit"
          variant="primary"
          busy={result.fetching}
          disabled={which === 'some' && actions.length === 0}
        >
          Add endpoint
        </Button>
      </div>
    </form>
  );
}
