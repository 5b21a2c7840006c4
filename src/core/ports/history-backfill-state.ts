/** The last fail2ban database row the backfill archived, with what it held. */
export interface Watermark {
  rowid: number;
  jail: string;
  ip: string;
  /** fail2ban's timeofban, Unix seconds. */
  time: number;
}

export interface BackfillState {
  get(host: string, source: string): Watermark | undefined;
  set(host: string, source: string, mark: Watermark, now: number): void;
}
