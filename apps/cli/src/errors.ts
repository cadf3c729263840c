import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import {
  apiErrorOf,
  isTrpcClientError,
  networkFailureOf,
  type ApiErrorFacts,
} from './error-facts.js';
import { formatMoney } from './money.js';

/** DESIGN §6. Scripts depend on these numbers; never renumber one. */
export const ExitCode = {
  ok: 0,
  unexpected: 1,
  usage: 2,
  notLoggedIn: 3,
  paymentFailed: 4,
  unreachable: 5,
  notFoundOrForbidden: 6,
  /** Ctrl-C at a prompt: the shell convention 128 + SIGINT, outside DESIGN's table on purpose. */
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** What a command throws to end the run: `main.ts` prints `message` and exits with `code`. */
export class ExitError extends Error {
  override readonly name = 'ExitError';
  constructor(
    readonly code: ExitCode,
    message: string,
    /** Extra lines shown with `--verbose`. */
    readonly detail: readonly string[] = [],
  ) {
    super(message);
  }
}

export const NOT_LOGGED_IN = 'not logged in — run `ordersctl login`';
const LOGIN_EXPIRED = 'your login has expired — run `ordersctl login`';

interface Rule {
  readonly exit: ExitCode;
  readonly say: (facts: ApiErrorFacts) => string;
}

const usage = (facts: ApiErrorFacts): string =>
  facts.issues.length > 0
    ? `invalid input — ${facts.issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`
    : facts.message;
const serverSays = (facts: ApiErrorFacts): string => facts.message;
const unavailable = (facts: ApiErrorFacts): string =>
  `the server is unavailable (${facts.message})`;
/**
 * 503: the server runs but cannot serve now (its database is unreachable, or a failover is
 * under way). Nothing was lost: the same command, run again, is answered once it is back — with
 * the same idempotency key, a payment is not made twice.
 */
const serviceUnavailable = (facts: ApiErrorFacts): string => {
  const { retryAfterSeconds } = facts.details;
  return typeof retryAfterSeconds === 'number'
    ? `the service is unavailable, try again in ${Math.max(1, Math.ceil(retryAfterSeconds))} s`
    : 'the service is unavailable, try again shortly';
};

/**
 * Domain codes first: they say what went wrong in the user's terms. A code not listed here falls
 * back to its tRPC code below, so a new server error is never unexplained.
 */
const byDomainCode: Readonly<Record<string, Rule>> = {
  // Exit 3, not 2: as with "not logged in", the way out is `ordersctl login` with the right
  // password, and scripts can treat every "no usable session" the same.
  'AUTH.INVALID_CREDENTIALS': { exit: ExitCode.notLoggedIn, say: () => 'wrong email or password' },
  'AUTH.EMAIL_TAKEN': {
    exit: ExitCode.usage,
    say: () => 'an account with that email already exists — run `ordersctl login`',
  },
  'AUTH.RATE_LIMITED': {
    exit: ExitCode.unexpected,
    say: (f) => `too many login attempts — try again in ${retryAfterOf(f)}`,
  },
  // The server reports an expired token as UNAUTHENTICATED with `details.reason`; a separate
  // TOKEN_EXPIRED code is understood too.
  'AUTH.UNAUTHENTICATED': {
    exit: ExitCode.notLoggedIn,
    say: (f) => (f.details.reason === 'EXPIRED_TOKEN' ? LOGIN_EXPIRED : NOT_LOGGED_IN),
  },
  'AUTH.TOKEN_EXPIRED': { exit: ExitCode.notLoggedIn, say: () => LOGIN_EXPIRED },
  'AUTH.FORBIDDEN': {
    exit: ExitCode.notFoundOrForbidden,
    say: () => 'forbidden — this needs an admin account',
  },
  'INVENTORY.INSUFFICIENT_STOCK': {
    exit: ExitCode.usage,
    say: (f) =>
      `not enough stock of ${fact(f, 'sku')}: asked for ${fact(f, 'requested')}, ${fact(f, 'available')} available — see \`ordersctl products\``,
  },
  'INVENTORY.PRODUCT_NOT_FOUND': {
    exit: ExitCode.notFoundOrForbidden,
    say: (f) =>
      `no product with SKU ${fact(f, 'sku')} — an admin creates it with \`ordersctl inventory set ${fact(f, 'sku')} --on-hand N --price CENTS --name NAME\``,
  },
  'PAYMENT.ALREADY_PAID': {
    exit: ExitCode.usage,
    say: (f) =>
      `order ${fact(f, 'orderId')} already has a payment (${fact(f, 'status')}) — see \`ordersctl ledger ${fact(f, 'orderId')}\``,
  },
  'IDEMPOTENCY.KEY_REUSED': {
    exit: ExitCode.usage,
    say: () =>
      'that idempotency key was used for a different request — retry with the same details as the first run, or drop --idempotency-key',
  },
  // Refunds follow the rule for orders and payments above: a request the server refuses as it
  // stands (nothing to refund, more than is left, a restock beyond what was bought) is exit 2, as
  // ORDER.NOT_PENDING, INVENTORY.INSUFFICIENT_STOCK and PAYMENT.ALREADY_PAID are. Exit 4 is kept
  // for a refund that was tried and ended FAILED (`refund` says so itself), as for a payment.
  'REFUND.NOT_REFUNDABLE': {
    exit: ExitCode.usage,
    say: (f) =>
      f.details.paymentStatus === 'SUCCESS'
        ? `order ${fact(f, 'orderId')} is ${fact(f, 'orderStatus')}: nothing is left to refund — see \`ordersctl ledger ${fact(f, 'orderId')}\``
        : `order ${fact(f, 'orderId')} has no successful payment to refund (${typeof f.details.paymentStatus === 'string' ? f.details.paymentStatus : 'none'}) — an unpaid order is cancelled, not refunded`,
  },
  'REFUND.AMOUNT_EXCEEDS_REFUNDABLE': {
    exit: ExitCode.usage,
    say: (f) => {
      const left = cents(f, 'refundableCents');
      const order = fact(f, 'orderId');
      const asked = `cannot refund ${money(f, 'requestedCents')} of order ${order}`;
      if (left === undefined || left > 0) {
        return `${asked}: only ${money(f, 'refundableCents')} is left to refund — pass --amount ${left ?? '?'} or less`;
      }
      const seeLedger = `see \`ordersctl ledger ${order}\``;
      // No amount given asks for all that is left (0 here, a REFUNDED order's): nothing to name.
      return cents(f, 'requestedCents') === 0
        ? `nothing is left to refund of order ${order} — ${seeLedger}`
        : `${asked}: nothing is left to refund — ${seeLedger}`;
    },
  },
  'REFUND.INVALID_RESTOCK': {
    exit: ExitCode.usage,
    say: (f) =>
      `cannot restock ${fact(f, 'requested')} × ${fact(f, 'sku')}: only ${fact(f, 'restockable')} can be (what the order bought of it, less what other refunds restock)`,
  },
  'REFUND.INVALID_AMOUNT': {
    exit: ExitCode.usage,
    say: (f) => `a refund needs a positive amount of cents; got ${fact(f, 'amountCents')}`,
  },
  // A rejection normally comes back as a FAILED_FINAL payment; should it come as an error, it is
  // still a payment that did not succeed.
  'FRAUD.REJECTED': { exit: ExitCode.paymentFailed, say: serverSays },
  'WEBHOOK.NOT_FOUND': {
    exit: ExitCode.notFoundOrForbidden,
    say: (f) =>
      `no webhook endpoint ${fact(f, 'endpointId')} — see \`ordersctl webhooks list\` for their ids`,
  },
  'WEBHOOK.EVENT_NOT_FOUND': {
    exit: ExitCode.notFoundOrForbidden,
    say: (f) =>
      `no event ${fact(f, 'eventId')} (an event is kept for EVENT_RETENTION_DAYS) — see \`ordersctl events\``,
  },
  'WEBHOOK.INVALID_URL': {
    exit: ExitCode.usage,
    say: (f) =>
      f.details.reason === 'NOT_HTTPS'
        ? `a webhook URL must be https:// (got ${fact(f, 'url')}); http:// only on a server run with WEBHOOK_ALLOW_PRIVATE=true — to try a local receiver, use \`ordersctl webhooks listen --forward-to URL\``
        : serverSays(f),
  },
};

/** One fact of a domain error, as text ("?" when the server did not send it). */
function fact(facts: ApiErrorFacts, name: string): string {
  const value = facts.details[name];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '?';
}

/**
 * Every tRPC code, so the compiler notices a new one. The request was wrong (BAD_REQUEST,
 * UNPROCESSABLE_CONTENT, CONFLICT, …) → 2: the user must change what they asked for.
 */
const byTrpcCode = {
  PARSE_ERROR: { exit: ExitCode.usage, say: usage },
  BAD_REQUEST: { exit: ExitCode.usage, say: usage },
  UNPROCESSABLE_CONTENT: { exit: ExitCode.usage, say: usage },
  CONFLICT: { exit: ExitCode.usage, say: serverSays },
  PRECONDITION_FAILED: { exit: ExitCode.usage, say: serverSays },
  PRECONDITION_REQUIRED: { exit: ExitCode.usage, say: serverSays },
  PAYLOAD_TOO_LARGE: { exit: ExitCode.usage, say: serverSays },
  UNAUTHORIZED: { exit: ExitCode.notLoggedIn, say: () => NOT_LOGGED_IN },
  PAYMENT_REQUIRED: { exit: ExitCode.paymentFailed, say: serverSays },
  FORBIDDEN: { exit: ExitCode.notFoundOrForbidden, say: serverSays },
  NOT_FOUND: { exit: ExitCode.notFoundOrForbidden, say: serverSays },
  TOO_MANY_REQUESTS: {
    exit: ExitCode.unexpected,
    say: (f) => `too many requests — try again in ${retryAfterOf(f)}`,
  },
  BAD_GATEWAY: { exit: ExitCode.unreachable, say: unavailable },
  SERVICE_UNAVAILABLE: { exit: ExitCode.unreachable, say: serviceUnavailable },
  GATEWAY_TIMEOUT: { exit: ExitCode.unreachable, say: unavailable },
  TIMEOUT: { exit: ExitCode.unreachable, say: unavailable },
  METHOD_NOT_SUPPORTED: { exit: ExitCode.unexpected, say: serverSays },
  UNSUPPORTED_MEDIA_TYPE: { exit: ExitCode.unexpected, say: serverSays },
  CLIENT_CLOSED_REQUEST: { exit: ExitCode.unexpected, say: serverSays },
  NOT_IMPLEMENTED: { exit: ExitCode.unexpected, say: serverSays },
  INTERNAL_SERVER_ERROR: {
    exit: ExitCode.unexpected,
    say: (f) => `the server failed: ${f.message}`,
  },
} as const satisfies Record<TRPC_ERROR_CODE_KEY, Rule>;

function ruleFor(facts: ApiErrorFacts): Rule {
  const domainRule = facts.domainCode === undefined ? undefined : byDomainCode[facts.domainCode];
  if (domainRule) return domainRule;
  const trpcRule: Rule | undefined = (byTrpcCode as Partial<Record<string, Rule>>)[facts.code];
  return trpcRule ?? { exit: ExitCode.unexpected, say: serverSays };
}

/** A fact in cents, when the server sent it as a whole number. */
function cents(facts: ApiErrorFacts, name: string): number | undefined {
  const value = facts.details[name];
  return typeof value === 'number' && Number.isSafeInteger(value) ? value : undefined;
}

/** A fact in cents as money in the error's `currency` (`$12.50`); "?" when it is missing. */
function money(facts: ApiErrorFacts, name: string): string {
  const amount = cents(facts, name);
  const currency = typeof facts.details.currency === 'string' ? facts.details.currency : 'USD';
  return amount === undefined ? '?' : formatMoney(amount, currency);
}

/** The core states the wait in ms (`retryAfterMs`); `retryAfterSeconds` is understood too. */
function retryAfterOf(facts: ApiErrorFacts): string {
  const { retryAfterMs, retryAfterSeconds } = facts.details;
  if (typeof retryAfterSeconds === 'number') return `${Math.ceil(retryAfterSeconds)} s`;
  if (typeof retryAfterMs === 'number') return `${Math.ceil(retryAfterMs / 1000)} s`;
  return 'a minute';
}

/**
 * Turns anything a command threw into the exit code and the one line to print. `server` is the
 * URL the run talked to, named when it could not be reached.
 */
export function exitErrorFrom(error: unknown, server: string): ExitError {
  if (error instanceof ExitError) return error;
  const network = networkFailureOf(error);
  if (network) {
    return new ExitError(
      ExitCode.unreachable,
      `cannot reach the server at ${server} (${network.reason}) — is it running? set --server or ORDERSCTL_SERVER`,
      network.detail,
    );
  }
  const api = apiErrorOf(error);
  if (api) {
    const rule = ruleFor(api);
    return new ExitError(rule.exit, rule.say(api), api.detail);
  }
  if (isTrpcClientError(error)) {
    return new ExitError(
      ExitCode.unexpected,
      `unexpected answer from ${server} — is it an orders server? (${error.message})`,
    );
  }
  if (error instanceof Error && error.name === 'ExitPromptError') {
    return new ExitError(ExitCode.interrupted, 'cancelled');
  }
  const message = error instanceof Error ? error.message : String(error);
  const stack = error instanceof Error && error.stack ? error.stack.split('\n').slice(1) : [];
  return new ExitError(
    ExitCode.unexpected,
    `unexpected failure: ${message}`,
    stack.map((l) => l.trim()),
  );
}
