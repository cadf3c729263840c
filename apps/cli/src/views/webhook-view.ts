import { STATUS_CODES } from 'node:http';
import type { ChalkInstance } from 'chalk';
import type { CreatedWebhookEndpoint, WebhookDelivery, WebhookEndpoint } from '../api-client.js';
import { formatFields } from '../output.js';
import { formatTable } from '../table.js';
import { formatInstant } from './labels.js';

/** `order.*, refund.succeeded`, or `*` for an endpoint that takes every event. */
export function typesText(types: readonly string[] | null): string {
  return types === null || types.length === 0 ? '*' : types.join(', ');
}

/**
 * `enabled`, with its streak of failed attempts when there is one (`enabled · 3 failed in a
 * row`), or `disabled` and why (`disabled after 20 consecutive failed attempts`).
 */
function stateText(endpoint: WebhookEndpoint, style: ChalkInstance): string {
  if (endpoint.enabled) {
    const streak = endpoint.consecutiveFailures;
    return streak === 0
      ? style.green('enabled')
      : `${style.green('enabled')} · ${style.yellow(`${streak} failed in a row`)}`;
  }
  // The server words its reasons as `disabled by an admin`, `disabled after N …`.
  const reason = endpoint.disabledReason?.replace(/^disabled /, '') ?? '';
  return `${style.red('disabled')}${reason === '' ? '' : ` ${reason}`}`;
}

/** The endpoint just registered, and its secret with the warning that it is shown this once. */
export function createdEndpointFields(endpoint: CreatedWebhookEndpoint, style: ChalkInstance) {
  return [
    ...formatFields(
      [
        ['endpoint', style.bold(endpoint.id)],
        ['url', endpoint.url],
        ['types', typesText(endpoint.types)],
        ...(endpoint.description === null
          ? []
          : [['description', endpoint.description] as [string, string]]),
        ['state', stateText(endpoint, style)],
        ['secret', style.bold(endpoint.secret)],
      ],
      style,
    ),
    '',
    style.yellow(
      'The signing secret is shown this once: store it now (the receiver verifies each delivery with it).',
    ),
  ];
}

/** One endpoint after `enable` or `disable`. */
export function endpointFields(endpoint: WebhookEndpoint, style: ChalkInstance): string[] {
  return formatFields(
    [
      ['endpoint', endpoint.id],
      ['url', endpoint.url],
      ['types', typesText(endpoint.types)],
      ['state', stateText(endpoint, style)],
    ],
    style,
  );
}

/** Every endpoint, oldest first. */
export function endpointTable(endpoints: readonly WebhookEndpoint[], style: ChalkInstance) {
  return formatTable(
    endpoints,
    [
      { header: 'ID', value: (e) => e.id },
      { header: 'URL', value: (e) => e.url },
      { header: 'TYPES', value: (e) => typesText(e.types) },
      { header: 'STATE', value: (e) => stateText(e, style) },
      { header: 'DESCRIPTION', value: (e) => e.description ?? '' },
    ],
    style,
  );
}

/** `200 OK`, `500 Internal Server Error`, coloured by whether it delivers (2xx). */
export function httpStatusText(code: number, style: ChalkInstance): string {
  const text = `${code} ${STATUS_CODES[code] ?? ''}`.trimEnd();
  return code >= 200 && code < 300 ? style.green(text) : style.red(text);
}

interface AttemptRow {
  readonly delivery: WebhookDelivery;
  /** Undefined for a delivery not yet attempted. */
  readonly attempt: WebhookDelivery['log'][number] | undefined;
  readonly first: boolean;
}

/** The delivery's state (green once delivered, red once given up), with when it goes next. */
function deliveryState(d: WebhookDelivery, style: ChalkInstance): string {
  switch (d.status) {
    case 'DELIVERED':
      return style.green(d.status);
    case 'FAILED':
      return style.red(d.status);
    case 'PENDING':
    case 'RETRY':
      return `${style.yellow(d.status)} (next ${formatInstant(d.nextAttemptAt).slice(11)})`;
  }
}

/**
 * Deliveries, newest first, one row per attempt (oldest attempt first within a delivery): the
 * event and the delivery's state on its first row, then each attempt's time, HTTP status, latency
 * and error. A delivery not attempted yet has one row of its own.
 */
export function deliveryTable(deliveries: readonly WebhookDelivery[], style: ChalkInstance) {
  const rows = deliveries.flatMap((delivery): AttemptRow[] =>
    delivery.log.length === 0
      ? [{ delivery, attempt: undefined, first: true }]
      : delivery.log.map((attempt, i) => ({ delivery, attempt, first: i === 0 })),
  );
  const dash = style.dim('—');
  return formatTable(
    rows,
    [
      { header: 'EVENT', value: (r) => (r.first ? r.delivery.eventId : '') },
      { header: 'DELIVERY', value: (r) => (r.first ? deliveryState(r.delivery, style) : '') },
      {
        header: '#',
        value: (r) => (r.attempt ? String(r.attempt.attemptNo) : dash),
        align: 'right',
      },
      { header: 'AT', value: (r) => (r.attempt ? formatInstant(r.attempt.at) : dash) },
      {
        header: 'HTTP',
        value: (r) =>
          r.attempt?.statusCode == null ? dash : httpStatusText(r.attempt.statusCode, style),
      },
      {
        header: 'LATENCY',
        value: (r) => (r.attempt ? `${r.attempt.latencyMs} ms` : dash),
        align: 'right',
      },
      { header: 'ERROR', value: (r) => r.attempt?.error ?? '' },
    ],
    style,
  );
}
