import { err, ok, type Result } from '@orders/core';
import {
  isAssertionFailure,
  positional,
  type Database,
  type Row,
  type RunResult,
  type Statement,
  type Tx,
} from '@orders/db';
import postgres from 'postgres';

/** What the checkout's use cases need of a database: statements and transactions. */
export type CheckoutDatabase = Pick<Database, 'execute' | 'transaction' | 'close'>;

/**
 * Values as `@orders/db` reads and binds them, so the same mappers work on both layers:
 * timestamps stay text (the mappers take epoch ms from them), and a string bound to a json
 * parameter is the JSON text itself (the builders stringify, as pg expects) — postgres.js would
 * otherwise parse timestamps into Dates and stringify that text a second time.
 */
const types = {
  time: {
    to: 1184,
    from: [1082, 1114, 1184],
    serialize: (x: unknown) => (x instanceof Date ? x.toISOString() : String(x)),
    parse: (x: string): unknown => x,
  },
  json: {
    to: 114,
    from: [114, 3802],
    serialize: (x: unknown) => (typeof x === 'string' ? x : JSON.stringify(x)),
    parse: (x: string): unknown => JSON.parse(x),
  },
};

type Session = postgres.Sql<{ time: unknown; json: unknown }>;
type Answer = postgres.RowList<Row[]>;

/**
 * The `Database`/`Tx` surface of `@orders/db` on postgres.js, for the bench only (measurement
 * code): each transaction reserves a connection (`sql.reserve()`), every statement is a named
 * prepared statement, and statements are issued without awaiting, so postgres.js pipelines them.
 * BEGIN goes out with the first statements and COMMIT with the last, as in `@orders/db`: the
 * same round trips, and refusals of guarded statements (OR001) come back as values.
 */
export function createPostgresJsDatabase(options: {
  url: string;
  poolMax: number;
}): CheckoutDatabase {
  const sql = postgres(options.url, { max: options.poolMax, types, onnotice: () => undefined });

  const send = (session: Session, text: string, params: readonly unknown[]): Promise<Answer> =>
    // postgres.js types its parameters by its own serialisable union; the builders' values are it.
    session.unsafe<Row[]>(positional(text), params as never[], { prepare: true });

  const answerOf = (result: Answer, method: 'all' | 'run'): Row[] | RunResult =>
    method === 'run' ? { affectedRows: result.count, rows: result } : result;

  function transactionOn(session: Session) {
    // Not awaited: BEGIN leaves in the same write as the first statements.
    const begun = send(session, 'begin', []);
    begun.catch(() => undefined); // reported through the statements, or at the end
    const failures: unknown[] = [];
    let state: 'open' | 'refused' | 'committed' | 'rolled-back' = 'open';

    const issue = (text: string, params: readonly unknown[]): Promise<Answer> => {
      if (state !== 'open') throw new Error(`a statement after the transaction ${state}`);
      return Promise.all([begun, send(session, text, params)]).then(
        ([, answer]) => answer,
        (error: unknown) => {
          failures.push(error);
          throw error;
        },
      );
    };

    async function sendAll<R>(
      statements: readonly Statement<R>[],
      commit: boolean,
    ): Promise<Result<undefined, R>> {
      const sent = statements.map((s) => issue(s.sql, s.params));
      const committed = commit ? issue('commit', []) : undefined;
      const answers = await Promise.allSettled(committed ? [...sent, committed] : sent);
      let refusal: { value: R } | undefined;
      for (const [index, answer] of answers.entries()) {
        if (answer.status === 'fulfilled') continue;
        const guard =
          refusal === undefined && isAssertionFailure(answer.reason)
            ? statements[index]?.refusal?.(
                answer.reason instanceof Error ? answer.reason.message : '',
              )
            : undefined;
        if (guard !== undefined) {
          refusal = { value: guard };
        } else if (!isAbortedTransaction(answer.reason)) {
          throw answer.reason;
        }
      }
      if (refusal !== undefined) {
        state = commit ? 'rolled-back' : 'refused';
        return err(refusal.value);
      }
      if (committed !== undefined) {
        const { command } = await committed;
        if (command !== 'COMMIT') throw new Error(`the transaction ended with ${command}`);
        state = 'committed';
      }
      return ok(undefined);
    }

    const tx: Tx = {
      async execute<T>(
        text: string,
        params: readonly unknown[] = [],
        method: 'all' | 'run' = 'all',
      ) {
        return answerOf(await issue(text, params), method) as T;
      },
      run: (statements) => sendAll(statements, false),
      commitWith: (statements) => sendAll(statements, true),
    };
    const rollback = () => send(session, 'rollback', []);
    return {
      tx,
      end: async (result: Result<unknown, unknown>) => {
        if (state === 'open' && result.ok) await sendAll([], true);
        else if (state === 'open' || state === 'refused') await rollback();
      },
      abort: async (error: unknown) => {
        if (state === 'open' || state === 'refused') await rollback().catch(() => undefined);
        if (!isAbortedTransaction(error)) return error;
        return failures.find((failure) => !isAbortedTransaction(failure)) ?? error;
      },
    };
  }

  return {
    async execute<T>(text: string, params: readonly unknown[] = [], method: 'all' | 'run' = 'all') {
      return answerOf(await send(sql, text, params), method) as T;
    },
    async transaction(work) {
      const session = await sql.reserve();
      try {
        const { tx, end, abort } = transactionOn(session);
        try {
          const result = await work(tx);
          await end(result);
          return result;
        } catch (error) {
          throw await abort(error);
        }
      } finally {
        session.release();
      }
    },
    close: () => sql.end({ timeout: 5 }),
  };
}

/** PostgreSQL's refusal of a statement sent after a failed one in the same transaction. */
function isAbortedTransaction(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === '25P02';
}
