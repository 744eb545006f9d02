import type { CombinedError } from 'urql';

type Failure = CombinedError | Error | string | null | undefined;

/** The codes of a GraphQL error (`extensions.code`): what the app branches on, never the message. */
export function errorCodes(error: CombinedError | undefined | null): string[] {
  return error?.graphQLErrors.map((e) => String(e.extensions?.code ?? '')) ?? [];
}

function messagesOf(error: Exclude<Failure, null | undefined>): string[] {
  if (typeof error === 'string') return [error];
  if ('graphQLErrors' in error && error.graphQLErrors.length > 0) return error.graphQLErrors.map((e) => e.message);
  if ('networkError' in error && error.networkError) return ['The server could not be reached. Try again.'];
  return [error.message];
}

/**
 * BAD_USER_INPUT errors by the field they name (`extensions.field`), worded with the form's own
 * label when the server's message starts with the field's name ("country must be …" → "Country
 * must be …"). Errors naming no field of the form are left to `otherErrors`.
 */
export function fieldErrors(error: CombinedError | undefined | null, labels: Record<string, string>) {
  const byField: Record<string, string> = {};
  const others: string[] = [];
  for (const e of error?.graphQLErrors ?? []) {
    const field = e.extensions?.field;
    if (e.extensions?.code === 'BAD_USER_INPUT' && typeof field === 'string' && field in labels) {
      byField[field] = e.message.startsWith(`${field} `)
        ? `${labels[field]} ${e.message.slice(field.length + 1)}`
        : e.message;
    } else {
      others.push(e.message);
    }
  }
  if (error?.networkError) others.push('The server could not be reached. Try again.');
  return { byField, others };
}

/** The server's own words for what went wrong: the app adds nothing of its own. */
export function ErrorMessage(props: { error: Failure | readonly string[] }) {
  const { error } = props;
  if (!error || (Array.isArray(error) && error.length === 0)) return null;
  const messages = Array.isArray(error)
    ? (error as readonly string[])
    : messagesOf(error as Exclude<Failure, null | undefined>);
  return (
    <div role="alert" className="error">
      {[...new Set(messages)].map((message) => (
        <p key={message}>{message}</p>
      ))}
    </div>
  );
}
