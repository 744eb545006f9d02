import { once } from 'node:events';
import express from 'express';
import { type ScopeDependencies, scopeForBearer, scopeOf } from '../request/factory';
import type { Actor } from '../request/scope';
import { verifyWebhook } from '../domain/standard-webhooks';
import { BadUserInputError } from '../domain/errors';
import type { Logger } from '../observability/logger';
import { CSV_HEADER, csvRow, exportedEvents, openAuditExport } from '../services/audit/audit-export.service';
import { applyIdentityEvent } from '../services/people/identity-events.service';
import { sendError } from './json-errors';

/**
 * The plain-HTTP endpoints of a person's data (docs/domain-rules.md §16): the audit export, and
 * the identity provider's user events.
 */

/** Identity events are small; anything larger is not one. */
const IDENTITY_EVENT_MAX_BYTES = 256 * 1024;

/** Who sends identity events: the identity provider, known by the signature. */
const IDENTITY_PROVIDER: Actor = { kind: 'service', service: 'identity-provider' };

/**
 * POST /identity/events: a user event signed per Standard Webhooks with IDENTITY_WEBHOOK_SECRET
 * (`webhook-*` or `svix-*` headers, timestamp within five minutes). A refused signature is 401
 * and changes nothing; a malformed or unhandled event 400; a handled one 200 with what it did.
 * Without the secret configured the endpoint does not exist (404).
 */
export function identityEventsRoute(
  deps: ScopeDependencies,
  logger: Logger,
  nudgeWebhooks: () => void,
): express.Router {
  const router = express.Router();
  router.post('/', express.text({ type: () => true, limit: IDENTITY_EVENT_MAX_BYTES }), async (req, res) => {
    const secret = deps.config.identityWebhookSecret;
    if (!secret) {
      res
        .status(404)
        .json({ errors: [{ message: 'Identity events are not configured.', extensions: { code: 'NOT_FOUND' } }] });
      return;
    }
    try {
      const body = typeof req.body === 'string' ? req.body : '';
      const now = deps.config.clock.now();
      const verified = verifyWebhook(secret, req.headers, body, now);
      if ('refused' in verified) {
        logger.warn({ requestId: res.locals.requestId, reason: verified.refused }, 'identity event refused');
        res.status(401).json({
          errors: [
            {
              message: 'The event’s signature is not valid (or its timestamp is more than five minutes away).',
              extensions: { code: 'UNAUTHENTICATED', reason: verified.refused },
            },
          ],
        });
        return;
      }
      let event: unknown;
      try {
        event = JSON.parse(body);
      } catch {
        throw new BadUserInputError('The event is not JSON.', 'body');
      }
      const scope = scopeOf(deps, IDENTITY_PROVIDER, res.locals.requestId as string | undefined, now);
      const outcome = await applyIdentityEvent(scope, event, { id: verified.id, sentAt: verified.timestamp });
      if (outcome.type === 'user.deleted' || outcome.type === 'user.updated') {
        deps.users.forget(
          outcome.type === 'user.deleted' ? outcome.erasure.userId : (event as { data: { id: string } }).data.id,
        );
      }
      logger.info({ requestId: res.locals.requestId, messageId: verified.id, outcome }, 'identity event applied');
      // Changes were made: their webhook calls go out soon.
      nudgeWebhooks();
      res.json({ ok: true, ...outcome });
    } catch (error) {
      sendError(res, error, logger, deps.outage);
    }
  });
  return router;
}

/**
 * GET /audit/export: the audit events of a scope (READ_AUDIT_LOG), newest first, streamed as
 * newline-delimited JSON or CSV. Every check is made before the first byte; the events are then
 * read a batch at a time and written as the client takes them (backpressure), so that the
 * export holds one batch in memory however long the log. A failure after the first byte ends the
 * response without its last chunk: the client sees an incomplete transfer, never a short export
 * that looks whole.
 */
export function auditExportRoute(deps: ScopeDependencies, logger: Logger): express.RequestHandler {
  return async (req, res) => {
    let started = false;
    try {
      const ctx = await scopeForBearer(deps, req.headers.authorization, res.locals.requestId as string);
      const request = await openAuditExport(ctx, req.query as Record<string, unknown>);
      const name = `audit-${request.scope.kind.toLowerCase()}-${new Date(ctx.now).toISOString().slice(0, 10)}`;
      res.status(200);
      res.setHeader('content-type', request.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson');
      res.setHeader(
        'content-disposition',
        `attachment; filename="${name}.${request.format === 'csv' ? 'csv' : 'ndjson'}"`,
      );
      res.setHeader('cache-control', 'no-store');
      started = true;
      let closed = false;
      res.once('close', () => {
        closed = true;
      });
      if (request.format === 'csv' && !res.write(CSV_HEADER)) await once(res, 'drain');
      for await (const batch of exportedEvents(deps.db, request)) {
        if (closed) return;
        const chunk = batch
          .map((event) => (request.format === 'csv' ? csvRow(event) : `${JSON.stringify(event)}\n`))
          .join('');
        if (!res.write(chunk)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
      }
      res.end();
    } catch (error) {
      if (!started) return sendError(res, error, logger, deps.outage);
      logger.error({ err: error, requestId: res.locals.requestId }, 'audit export failed midway');
      res.destroy(error instanceof Error ? error : undefined);
    }
  };
}
