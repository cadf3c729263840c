import { join } from 'node:path';
import { freePort, startProcess, type Started } from './processes.js';

/** Prism's problem types (RFC 7807 `type`) all start so. */
const PRISM_PROBLEM = 'https://stoplight.io/prism/errors#';

/**
 * `prism proxy --errors <document> <upstream>`: it validates each request against the document
 * (unless `validateRequest` is false), forwards it, and validates the answer. A violation is
 * reported in an `sl-violations` header (warnings, such as an undeclared status) or, with
 * `--errors`, turned into Prism's own problem answer: 422 or 401 for the request, 500
 * `#VIOLATIONS` for the response. See https://docs.stoplight.io/docs/prism (proxy, errors).
 */
export async function startPrism(options: {
  contractDir: string;
  document: string;
  upstream: string;
  validateRequest: boolean;
}): Promise<Started & { violationLines(): string[] }> {
  const port = await freePort();
  const prism = await startProcess({
    name: `prism proxy${options.validateRequest ? '' : ' --validate-request=false'}`,
    command: join(options.contractDir, 'node_modules/.bin/prism'),
    args: [
      'proxy',
      options.document,
      options.upstream,
      '--errors',
      `--validate-request=${String(options.validateRequest)}`,
      '--host=127.0.0.1',
      `--port=${port}`,
    ],
    env: { PATH: process.env.PATH, NO_COLOR: '1', FORCE_COLOR: '0' },
    urlOf: (line) => /Prism is listening on (http:\/\/\S+)/.exec(line)?.[1],
    timeoutMs: 30_000,
  });
  return {
    ...prism,
    // Prism logs every violation it finds, request or response, one line each.
    violationLines: () =>
      prism
        .output()
        .split('\n')
        .filter((line) => /Violation:/.test(line)),
  };
}

/** One request, and what must come of it. */
export interface Step {
  readonly name: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly token?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as JSON; `raw` sends a body as it is, under its own content type. */
  readonly body?: unknown;
  readonly raw?: { readonly type: string; readonly text: string };
  /** What the server answers. */
  readonly status: number;
  /** The `data.domainCode` its error body must name, when the refusal is a business one. */
  readonly domainCode?: string;
  /**
   * The document itself refuses the request, so the validating proxy must answer it without
   * forwarding it: as an invalid request, a missing token, or a body that is not JSON.
   */
  readonly refusedByDocument?: 'request' | 'token' | 'json';
}

export interface FlowTargets {
  /** `prism proxy --errors`: validates requests and answers. */
  readonly validating: string;
  /** `prism proxy --errors --validate-request=false`: lets bad requests reach the server. */
  readonly answersOnly: string;
  /** The server itself, for what no proxy forwards. */
  readonly server: string;
}

/** What a flow found: one line per check that held, and the ones that failed. */
export interface FlowReport {
  readonly passed: string[];
  readonly failed: string[];
}

/** What came back through Prism: who answered, and what Prism found. */
export interface ProxiedAnswer {
  readonly status: number;
  /** Our server answered (it sets `x-request-id` on every answer); else Prism did, itself. */
  readonly forwarded: boolean;
  /** Prism's problem type (`UNPROCESSABLE_ENTITY`, `UNAUTHORIZED`, `VIOLATIONS`, …), if it answered one. */
  readonly prismProblem: string | undefined;
  /** The violations of the `sl-violations` header, warnings included. */
  readonly violations: readonly unknown[];
  readonly body: unknown;
}

export async function readProxiedAnswer(response: Response): Promise<ProxiedAnswer> {
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: kept as text
  }
  const type = readString(body, 'type');
  const header = response.headers.get('sl-violations');
  return {
    status: response.status,
    forwarded: response.headers.has('x-request-id'),
    prismProblem: type?.startsWith(PRISM_PROBLEM)
      ? type.slice(PRISM_PROBLEM.length)
      : invalidJson(body),
    violations: header === null ? [] : (JSON.parse(header) as unknown[]),
    body,
  };
}

/** Prism's own answer to a body that is not JSON (its HTTP server refuses it before validating). */
function invalidJson(body: unknown): string | undefined {
  const error =
    typeof body === 'object' && body !== null && 'error' in body ? body.error : undefined;
  return readString(error, 'code') === 'invalid_json' ? 'invalid_json' : undefined;
}

/** `value[key]`, when `value` is an object that has it. */
export function readField(value: unknown, key: string): unknown {
  if (typeof value !== 'object' || value === null || !(key in value)) return undefined;
  return (value as Record<string, unknown>)[key];
}

function readString(value: unknown, key: string): string | undefined {
  const found = readField(value, key);
  return typeof found === 'string' ? found : undefined;
}

async function send(base: string, step: Step): Promise<ProxiedAnswer> {
  const headers: Record<string, string> = { ...step.headers };
  if (step.token !== undefined) headers.authorization = `Bearer ${step.token}`;
  let body: string | undefined;
  if (step.raw !== undefined) {
    headers['content-type'] = step.raw.type;
    body = step.raw.text;
  } else if (step.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(step.body);
  }
  return readProxiedAnswer(
    await fetch(`${base}${step.path}`, { method: step.method, headers, body }),
  );
}

/** Sends a step where it must go, records what held; returns the body of a forwarded answer. */
export async function checkThroughPrism(
  targets: FlowTargets,
  step: Step,
  report: FlowReport,
): Promise<unknown> {
  const label = `${step.method} ${step.path.slice(0, 60)} (${step.name})`;
  const problems: string[] = [];
  const expectAnswered = (answer: ProxiedAnswer, via: string) => {
    if (!answer.forwarded)
      problems.push(`${via}: not forwarded (${answer.prismProblem ?? answer.status})`);
    if (answer.status !== step.status)
      problems.push(`${via}: ${answer.status}, expected ${step.status}`);
    if (answer.violations.length > 0)
      problems.push(`${via}: violations ${JSON.stringify(answer.violations)}`);
    const domainCode = readString(readField(answer.body, 'data'), 'domainCode');
    if (step.domainCode !== undefined && domainCode !== step.domainCode)
      problems.push(`${via}: domain code ${domainCode ?? 'none'}, expected ${step.domainCode}`);
  };

  const validated = await send(targets.validating, step);
  const expected = { request: 'UNPROCESSABLE_ENTITY', token: 'UNAUTHORIZED', json: 'invalid_json' };
  if (step.refusedByDocument === undefined) {
    expectAnswered(validated, 'prism');
  } else {
    const refusal = expected[step.refusedByDocument];
    if (validated.forwarded || validated.prismProblem !== refusal) {
      problems.push(
        `prism: expected its own ${refusal}, got ${validated.prismProblem ?? validated.status}`,
      );
    }
    if (step.refusedByDocument === 'request') {
      expectAnswered(await send(targets.answersOnly, step), 'prism --validate-request=false');
    } else {
      // No proxy forwards these; the server must still refuse them as documented.
      const direct = await send(targets.server, step);
      if (direct.status !== step.status)
        problems.push(`server: ${direct.status}, expected ${step.status}`);
    }
  }
  const verdict =
    step.refusedByDocument === undefined
      ? `${step.status}`
      : `refused by Prism and the server (${step.status})`;
  if (problems.length === 0) report.passed.push(`${verdict} ${label}`);
  else report.failed.push(`${label}: ${problems.join('; ')}`);
  return validated.body;
}

/** Options of a step beside its method, path, body and status. */
export type StepOptions = Pick<
  Step,
  'token' | 'headers' | 'raw' | 'refusedByDocument' | 'domainCode'
>;

/** `post` and `get` steps checked through Prism, each recorded in `report`; each returns the body. */
export function stepsThroughPrism(targets: FlowTargets, report: FlowReport) {
  const check = (step: Step) => checkThroughPrism(targets, step, report);
  return {
    post: (name: string, path: string, body: unknown, status: number, o: StepOptions = {}) =>
      check({ name, method: 'POST', path, body, status, ...o }),
    get: (name: string, path: string, status: number, o: StepOptions = {}) =>
      check({ name, method: 'GET', path, status, ...o }),
  };
}
