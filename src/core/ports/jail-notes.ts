export interface JailIdle {
  idle: boolean;
  /** Who set it, e.g. `slack:U0123ABC`. */
  by: string;
  /** Unix milliseconds. */
  at: number;
}

/** Who turned idle off when fail2ban restarted or reloaded the jail. */
export const JAIL_RESTARTED = "fail2ban (the jail restarted or reloaded)";

export interface JailNote extends JailIdle {
  jail: string;
}

/**
 * What BanBot last set as a jail's idle flag. fail2ban cannot report the flag and drops it when the
 * jail restarts, so show it as "set by … at …", not as fail2ban's current state.
 */
export interface JailNotes {
  setIdle(note: JailIdle & { host: string; jail: string }): void;
  /** fail2ban (re)started or reloaded the jail at `at`, which turns idle off: forgets an older "on". */
  jailRestarted(host: string, jail: string, at: number): void;
  idleOf(host: string, jail: string): JailIdle | undefined;
  /** Sorted by jail name. */
  all(host: string): JailNote[];
}
