import { useState } from 'react';
import { apiUrl, useApi } from '../api';
import { useAnnounce } from '../ui/announcer';
import type { ScopeView } from '../organization-context';

export type ExportFormat = 'csv' | 'ndjson';

/**
 * `GET /audit/export` with the scope and dates on screen. The endpoint wants the bearer token in
 * the Authorization header, which a plain link cannot carry: the app fetches the file and saves it
 * through a Blob URL. The result, or the server's refusal, goes to the status region.
 */
export function useExport() {
  const api = useApi();
  const announce = useAnnounce();
  const [busy, setBusy] = useState(false);
  const run = async (request: { scope: ScopeView; format: ExportFormat; from: string | null; to: string | null }) => {
    const { scope, format } = request;
    const url = new URL(apiUrl(api, '/audit/export'));
    const scopeKey =
      scope.kind === 'ORGANIZATION' ? 'organizationId' : scope.kind === 'WORKSPACE' ? 'workspaceId' : 'domainId';
    url.searchParams.set(scopeKey, scope.id);
    if (request.from) url.searchParams.set('from', request.from);
    if (request.to) url.searchParams.set('to', request.to);
    url.searchParams.set('format', format);
    setBusy(true);
    try {
      const response = await fetch(url, { headers: api.token ? { authorization: `Bearer ${api.token}` } : {} });
      if (!response.ok) {
        const body = (await response.json().catch(() => null)) as { errors?: { message?: string }[] } | null;
        const reason = body?.errors?.[0]?.message ?? `the server answered ${response.status}`;
        announce(`The audit log was not exported: ${reason}`, 'error');
        return;
      }
      const blob = await response.blob();
      const named = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1];
      const name = named ?? `audit-${scope.kind.toLowerCase()}-${new Date().toISOString().slice(0, 10)}.${format}`;
      const href = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = href;
      link.download = name;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(href), 60_000);
      announce(`Audit log of ${scope.phrase} exported as ${name} (${formatSize(blob.size)}).`);
    } catch {
      // A refused CORS preflight looks the same to the page as a server that is down.
      announce(
        'The audit log was not exported: the server could not be reached, or does not let this page download from it.',
        'error',
      );
    } finally {
      setBusy(false);
    }
  };
  return { busy, run };
}

const formatSize = (bytes: number) =>
  bytes < 1024
    ? `${bytes} bytes`
    : bytes < 1024 * 1024
      ? `${Math.round(bytes / 1024)} KB`
      : `${(bytes / 1048576).toFixed(1)} MB`;
