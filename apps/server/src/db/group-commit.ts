import { sql } from 'kysely';
import type { Store } from './connect.js';
import type { Db } from './schema.js';

/**
 * Runs `work` as a transaction of its own: all of it commits, or none of it. Transactions with
 * the same `group` may share a commit with others asked for in the same event-loop turn.
 */
export type Transact = <T>(work: (trx: Db) => Promise<T>, group?: string) => Promise<T>;

/**
 * How a feature runs a write transaction, group-committed (issue 12): the transactions asked for
 * in one event-loop turn share one, each inside a savepoint of its own, so a failure rolls back
 * only its own work, and every caller hears back after the one commit.
 * - SQLite: every commit writes each page the transaction touched to the WAL; accepting a call
 *   touches about 20 (its rows and their indexes), so the commit was most of the request's cost.
 *   One writer, so every transaction of the turn can share one.
 * - PostgreSQL: accepting a call locks its owner's billing account until the commit, and the
 *   commit waits for the WAL to reach the disk, so one account's calls went through one at a
 *   time, a disk flush each. Transactions of the same `group` (the account) share a commit; each
 *   shared transaction then locks one account only, so two nodes cannot deadlock over two.
 *   Without a `group`, a transaction of its own.
 */
export function transactor(store: Store): Transact {
  const shared = groupCommit(store.db);
  if (store.engine === 'sqlite') {
    return <T>(work: (trx: Db) => Promise<T>) => shared(work, '') as Promise<T>;
  }
  return <T>(work: (trx: Db) => Promise<T>, group?: string) =>
    group === undefined
      ? store.db.transaction().execute(work)
      : (shared(work, group) as Promise<T>);
}

interface Job {
  work: (trx: Db) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

function groupCommit(
  db: Db,
): (work: (trx: Db) => Promise<unknown>, group: string) => Promise<unknown> {
  let queues = new Map<string, Job[]>();
  let scheduled = false;

  function flushAll(): void {
    scheduled = false;
    const groups = queues;
    queues = new Map();
    for (const jobs of groups.values()) void flush(jobs);
  }

  async function flush(jobs: Job[]): Promise<void> {
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

  return (work, group) =>
    new Promise((resolve, reject) => {
      const jobs = queues.get(group) ?? [];
      jobs.push({ work, resolve, reject });
      queues.set(group, jobs);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flushAll);
      }
    });
}
