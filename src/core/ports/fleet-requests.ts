export type RequestClaim =
  | { state: "new" }
  /** The same id is being answered (by this process), or was when the agent last stopped. */
  | { state: "running" }
  | { state: "done"; answer: string }
  /** The id was used before for another command line. */
  | { state: "other" };

/** A fleet agent's record of the requests it answered, so that a request id never runs twice. */
export interface FleetRequests {
  /** Takes the id for this command line if it is new; otherwise says what became of it. */
  claim(id: string, commandLine: string, now: number): RequestClaim;
  /** Keeps the answer for repeats of the id; `undefined` forgets the id (a read, safe to run again). */
  finish(id: string, answer: string | undefined): void;
  /** Drops what was received before `before` (Unix ms); returns how many. */
  purge(before: number): number;
}
