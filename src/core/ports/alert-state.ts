/** Small JSON documents the alert detectors keep between runs and across restarts. */
export interface AlertState {
  get<T>(key: string): T | undefined;
  set(key: string, value: unknown, now: number): void;
}
