export interface Mute {
  what: string;
  /** Unix ms; undefined until unmuted by hand. */
  until?: number;
  by: string;
  at: number;
}

export interface AlertMutes {
  mute(mute: Mute): void;
  unmute(what: string): boolean;
  /** Mutes in force at `now`. */
  active(now: number): Mute[];
}
