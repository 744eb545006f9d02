import { useApi } from '../api';
import { Callout } from './misc';

/**
 * In development, under `npm start`: why a screen's feature cannot be tried on this machine, and
 * the commands that make it so. Shown nowhere else (the host product's app has no `tryHere`).
 */
export function TryHereNote(props: { feature: 'webhooks' | 'emailDomains' }) {
  const { tryHere } = useApi();
  if (!tryHere || tryHere[props.feature]) return null;
  return props.feature === 'webhooks' ? (
    <Callout tone="info" title="Trying webhooks on this machine" role="note">
      <p>
        This server delivers only to public <code>https</code> addresses, as in production. To send events to a receiver
        on your machine (<code>http://localhost:…</code>), stop it and run <code>npm run dev</code>, which allows
        loopback and private addresses.
      </p>
    </Callout>
  ) : (
    <Callout tone="info" title="Trying email domains on this machine" role="note">
      <p>
        This server looks TXT records up in public DNS, where your test domain has none. Run <code>npm run dns</code> (a
        DNS server on 127.0.0.1:5353 that answers the records this page shows) and <code>npm run dev</code>, which asks
        it.
      </p>
    </Callout>
  );
}
