import { type FormEvent, useState } from 'react';
import { useMutation } from 'urql';
import { ErrorMessage, fieldErrors } from '../errors';
import {
  type EnrollmentMode,
  type WebEmailDomainFragment,
  WebAddEmailDomainDocument,
  WebEmailDomainsDocument,
  WebRemoveEmailDomainDocument,
  WebUpdateEmailDomainDocument,
  WebVerifyEmailDomainDocument,
} from '../generated';
import { formatDate } from '../format';
import { useLiveQuery } from '../live';
import { useAnnounce } from '../ui/announcer';
import { Button } from '../ui/button';
import { ConfirmDialog } from '../ui/dialog';
import { RadioCards, SelectField, TextField } from '../ui/fields';
import { RowMenu } from '../ui/menu';
import { Callout, CopyField, Empty, Loading } from '../ui/misc';
import { Badge } from '../ui/person';
import { TryHereNote } from '../ui/try-here';
import { SectionHeading, useOrganization } from '../organization-context';

const ENROLLMENT: Record<EnrollmentMode, { label: string; description: (domain: string, org: string) => string }> = {
  NONE: {
    label: 'Invitation only',
    description: () => 'The domain is yours; people still join by invitation.',
  },
  AUTO_JOIN: {
    label: 'Anyone at the domain may join',
    description: (domain, org) =>
      `People signed in with a verified @${domain} address see ${org} on their homepage and may join as Member, seats permitting.`,
  },
  REQUEST: {
    label: 'Anyone at the domain may ask to join',
    description: (domain, org) =>
      `People signed in with a verified @${domain} address see ${org} on their homepage and may ask to join; its managers decide.`,
  },
};

/**
 * Email domains: claim one, publish the TXT record it names, verify it against DNS, and choose
 * whether people with an address there may join on their own.
 */
export function EmailDomainsSection() {
  const { organization } = useOrganization();
  const [{ data, error }, refresh] = useLiveQuery({
    query: WebEmailDomainsDocument,
    variables: { id: organization.id },
  });
  const domains = data?.organization?.emailDomains;
  return (
    <section aria-labelledby="section-heading">
      <SectionHeading lede="Prove that an email domain is yours, then let people with an address there join without an invitation.">
        Email domains
      </SectionHeading>
      <TryHereNote feature="emailDomains" />
      <ClaimDomain onClaimed={refresh} />
      <ErrorMessage error={error} />
      {!domains && !error && <Loading />}
      {domains && domains.length === 0 && <Empty>No email domain is claimed yet.</Empty>}
      {domains?.map((domain) => (
        <EmailDomainCard key={domain.id} domain={domain} onChanged={refresh} />
      ))}
    </section>
  );
}

function ClaimDomain(props: { onClaimed: () => void }) {
  const { organization } = useOrganization();
  const announce = useAnnounce();
  const [domain, setDomain] = useState('');
  const [enrollment, setEnrollment] = useState<EnrollmentMode>('NONE');
  const [result, add] = useMutation(WebAddEmailDomainDocument);
  const errors = fieldErrors(result.error, { domain: 'Domain' });
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const done = await add({ input: { organizationId: organization.id, domain, enrollment } });
    if (done.data) {
      announce(`${done.data.addEmailDomain.domain} claimed. Publish its TXT record, then verify it.`);
      setDomain('');
      props.onClaimed();
    }
  };
  return (
    <form className="card stack" onSubmit={submit} aria-labelledby="claim-heading">
      <h3 id="claim-heading">Claim a domain</h3>
      <TextField
        label="Domain"
        hint="The part after @ in your people's addresses, e.g. acme.com. Public mail providers cannot be claimed."
        placeholder="acme.com"
        className="field-inline"
        value={domain}
        onChange={(e) => setDomain(e.target.value)}
        required
        error={errors.byField.domain}
      />
      <RadioCards<EnrollmentMode>
        legend="Once verified"
        name="enrollment"
        value={enrollment}
        onChange={setEnrollment}
        choices={(['NONE', 'REQUEST', 'AUTO_JOIN'] as const).map((mode) => ({
          value: mode,
          label: ENROLLMENT[mode].label,
          description: ENROLLMENT[mode].description(domain.trim() || 'your-domain', organization.name),
        }))}
      />
      <ErrorMessage error={errors.others} />
      <div className="form-actions">
        <Button type="submit" variant="primary" busy={result.fetching}>
          Claim domain
        </Button>
      </div>
    </form>
  );
}

function EmailDomainCard(props: { domain: WebEmailDomainFragment; onChanged: () => void }) {
  const { domain } = props;
  const { organization } = useOrganization();
  const announce = useAnnounce();
  const [verifyResult, verify] = useMutation(WebVerifyEmailDomainDocument);
  const [updateResult, update] = useMutation(WebUpdateEmailDomainDocument);
  const [, remove] = useMutation(WebRemoveEmailDomainDocument);
  const [confirm, setConfirm] = useState<'remove' | 'auto-join' | null>(null);
  const headingId = `email-domain-${domain.id}`;
  const setEnrollment = async (enrollment: EnrollmentMode) => {
    const done = await update({ id: domain.id, enrollment });
    if (done.error) return done.error;
    announce(
      enrollment === 'AUTO_JOIN'
        ? `People with a verified @${domain.domain} address may now join ${organization.name}.`
        : enrollment === 'REQUEST'
          ? `People with a verified @${domain.domain} address may now ask to join ${organization.name}.`
          : `${domain.domain}: joining is by invitation only.`,
    );
    props.onChanged();
    return null;
  };
  return (
    <article className="card" aria-labelledby={headingId}>
      <div className="card-header">
        <h3 id={headingId} className="mono">
          {domain.domain}
        </h3>
        <span className="cluster">
          {domain.verified ? <Badge tone="success">Verified</Badge> : <Badge tone="warning">Not verified</Badge>}
          <RowMenu
            label={`Actions for ${domain.domain}`}
            items={[{ label: 'Remove domain…', danger: true, onSelect: () => setConfirm('remove') }]}
          />
        </span>
      </div>
      <div className="stack">
        {domain.verified ? (
          <p className="small muted">Verified on {formatDate(domain.verifiedAt ?? domain.createdAt)}.</p>
        ) : (
          <div className="stack">
            <p>
              To prove {domain.domain} is yours, publish this TXT record in its DNS (at your DNS host), then verify. DNS
              changes can take a while to be seen.
            </p>
            <CopyField label="Record name" value={domain.verificationRecordName} hint="Type: TXT" />
            <CopyField label="Record value" value={domain.verificationRecordValue} />
            <ErrorMessage error={verifyResult.error} />
            <div className="form-actions">
              <Button
                variant="primary"
                busy={verifyResult.fetching}
                onClick={async () => {
                  const done = await verify({ id: domain.id });
                  if (done.data?.verifyEmailDomain.verified) {
                    announce(`${domain.domain} is verified.`);
                    props.onChanged();
                  }
                }}
              >
                Verify {domain.domain}
              </Button>
            </div>
          </div>
        )}
        <SelectField
          label="Who may join by this domain"
          hint={ENROLLMENT[domain.enrollment].description(domain.domain, organization.name)}
          className="field-inline"
          value={domain.enrollment}
          disabled={updateResult.fetching}
          onChange={(e) => {
            const next = e.target.value as EnrollmentMode;
            if (next === 'AUTO_JOIN') setConfirm('auto-join');
            else void setEnrollment(next);
          }}
        >
          {(['NONE', 'REQUEST', 'AUTO_JOIN'] as const).map((mode) => (
            <option key={mode} value={mode}>
              {ENROLLMENT[mode].label}
            </option>
          ))}
        </SelectField>
        {domain.enrollment !== 'NONE' && !domain.verified && (
          <Callout tone="info">
            <p>Nobody can join by {domain.domain} until it is verified.</p>
          </Callout>
        )}
        <ErrorMessage error={updateResult.error} />
      </div>
      {confirm === 'auto-join' && (
        <ConfirmDialog
          title={`Let anyone at ${domain.domain} join?`}
          confirmLabel="Let them join"
          tone="primary"
          onClose={() => setConfirm(null)}
          onConfirm={() => setEnrollment('AUTO_JOIN')}
        >
          <p>{ENROLLMENT.AUTO_JOIN.description(domain.domain, organization.name)}</p>
          <p>They join as Member, without anyone approving them.</p>
        </ConfirmDialog>
      )}
      {confirm === 'remove' && (
        <ConfirmDialog
          title={`Remove ${domain.domain}?`}
          confirmLabel="Remove domain"
          onClose={() => setConfirm(null)}
          onConfirm={async () => {
            const done = await remove({ id: domain.id });
            if (done.error) return done.error;
            announce(`${domain.domain} removed.`);
            props.onChanged();
            return null;
          }}
        >
          <p>
            People can no longer join {organization.name} by their @{domain.domain} address. Those who joined stay
            members. To claim it again, it must be verified again.
          </p>
        </ConfirmDialog>
      )}
    </article>
  );
}
