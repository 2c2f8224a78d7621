import { sql } from 'kysely';
import type { Store } from './connect.js';
import type { Db } from './schema.js';

/** Runs `work` in a transaction of its own: all of it commits, or none of it. */
export type Transact = <T>(work: (trx: Db) => Promise<T>) => Promise<T>;

/**
 * How a feature runs a write transaction. On PostgreSQL, a transaction per call (the server
 * already commits concurrent transactions' WAL together). On SQLite, every commit writes each
 * page the transaction touched to the WAL: accepting a call touches about 20 (its rows and
 * their indexes), so the commit was most of the request's cost. There, the transactions asked
 * for in one event-loop turn share one: each runs inside a savepoint of its own, so a failure
 * rolls back only its own work, and every caller hears back after the one commit (issue 12).
 */
export function transactor(store: Store): Transact {
  if (store.engine === 'postgres') return (work) => store.db.transaction().execute(work);
  return groupCommit(store.db);
}

interface Job {
  work: (trx: Db) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

function groupCommit(db: Db): Transact {
  let queue: Job[] = [];
  let scheduled = false;

  async function flush(): Promise<void> {
    scheduled = false;
    const jobs = queue;
    queue = [];
    const outcomes: (() => void)[] = [];
    try {
      await db.transaction().execute(async (trx) => {
        if (jobs.length === 1) {
          // Alone, a job's failure may roll back the whole transaction: it is all its own.
          const [job] = jobs as [Job];
          const value = await job.work(trx);
          outcomes.push(() => job.resolve(value));
          return;
        }
        for (const job of jobs) {
          await sql`savepoint iqra_job`.execute(trx);
          try {
            const value = await job.work(trx);
            await sql`release iqra_job`.execute(trx);
            outcomes.push(() => job.resolve(value));
          } catch (error) {
            await sql`rollback to iqra_job`.execute(trx);
            await sql`release iqra_job`.execute(trx);
            outcomes.push(() => job.reject(error));
          }
        }
      });
    } catch (error) {
      // Nothing committed: every job of the group failed, with the reason it did.
      for (const job of jobs) job.reject(error);
      return;
    }
    for (const settle of outcomes) settle();
  }

  return <T>(work: (trx: Db) => Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!scheduled) {
        scheduled = true;
        setImmediate(() => void flush());
      }
    });
}
