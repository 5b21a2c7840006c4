export interface SourceSettings {
  url: string;
  jail: string;
  /** Croner pattern, UTC. */
  schedule: string;
  /** Lift a ban this long after the last run that listed it; undefined: never. */
  banMs: number | undefined;
  maxEntries: number;
  unbanDeparted: boolean;
}

export interface Source extends SourceSettings {
  id: number;
  name: string;
  enabled: boolean;
  etag: string | undefined;
  lastModified: string | undefined;
  /** Hash of the last list applied in full and of what filtered it (see importer). */
  listHash: string | undefined;
  createdAt: number;
  createdBy: string;
  updatedAt: number;
}

/** Sources of the store's own host (the fail2ban this process talks to). */
export interface BlocklistSources {
  create(name: string, settings: SourceSettings, by: { at: number; actor: string }): Source;
  /** Changing the URL or jail also forgets the validators and list hash: the next run is a full one. */
  update(id: number, settings: SourceSettings, at: number): void;
  setEnabled(id: number, enabled: boolean, at: number): void;
  setValidators(id: number, validators: { etag?: string; lastModified?: string; listHash?: string }): void;
  remove(id: number): void;
  byName(name: string): Source | undefined;
  all(): Source[];
}
