import type { CombinedError } from 'urql';

/** The server's own words for what went wrong, with its code: the app adds nothing of its own. */
export function errorCodes(error: CombinedError | undefined): string[] {
  return error?.graphQLErrors.map((e) => String(e.extensions?.code ?? '')) ?? [];
}

export function ErrorMessage(props: { error: CombinedError | Error | string | null | undefined }) {
  const { error } = props;
  if (!error) return null;
  const messages =
    typeof error === 'string'
      ? [error]
      : 'graphQLErrors' in error && error.graphQLErrors.length > 0
        ? error.graphQLErrors.map((e) => e.message)
        : [error.message];
  return (
    <div role="alert" className="error">
      {messages.map((message) => (
        <p key={message}>{message}</p>
      ))}
    </div>
  );
}
