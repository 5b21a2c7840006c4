/**
 * The one way core code makes several writes all-or-nothing: a repository that core composes into
 * larger units offers `atomically`. Calls nest (an inner one joins the outer transaction), and the
 * store implements it (src/db/transaction.ts), so core never sees a database handle.
 */
export interface Atomic {
  /** Runs `fn` in one transaction, or inside the caller's when one is open already. */
  atomically<T>(fn: () => T): T;
}
