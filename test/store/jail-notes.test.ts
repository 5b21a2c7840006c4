import type { Database } from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { JailNotes } from "../../src/core/ports/jail-notes.js";
import { createJailNotes } from "../../src/store/jail-notes.js";
import { JAIL_RESTARTED } from "../../src/core/ports/jail-notes.js";
import { migratedStore } from "../harness/store.js";

const T0 = 1_700_000_000_000;

describe("createJailNotes", () => {
  let db: Database;
  let notes: JailNotes;

  beforeEach(() => {
    db = migratedStore();
    notes = createJailNotes(db);
  });
  afterEach(() => db.close());

  it("knows nothing about a jail BanBot never touched", () => {
    expect(notes.idleOf("web1", "sshd")).toBeUndefined();
    expect(notes.all("web1")).toEqual([]);
  });

  it("remembers the last flag set, by whom and when", () => {
    notes.setIdle({ host: "web1", jail: "sshd", idle: true, by: "slack:U01ADMIN", at: T0 });
    expect(notes.idleOf("web1", "sshd")).toEqual({ idle: true, by: "slack:U01ADMIN", at: T0 });
    notes.setIdle({ host: "web1", jail: "sshd", idle: false, by: "console", at: T0 + 60_000 });
    expect(notes.idleOf("web1", "sshd")).toEqual({ idle: false, by: "console", at: T0 + 60_000 });
  });

  it("forgets an idle set before fail2ban restarted or reloaded the jail, but not one set after", () => {
    notes.setIdle({ host: "web1", jail: "sshd", idle: true, by: "a", at: T0 });
    notes.jailRestarted("web1", "sshd", T0 - 1);
    expect(notes.idleOf("web1", "sshd")).toEqual({ idle: true, by: "a", at: T0 });
    notes.jailRestarted("web1", "sshd", T0 + 5);
    expect(notes.idleOf("web1", "sshd")).toEqual({ idle: false, by: JAIL_RESTARTED, at: T0 + 5 });
    notes.jailRestarted("web1", "nginx", T0 + 5);
    expect(notes.idleOf("web1", "nginx")).toBeUndefined();
  });

  it("keeps hosts apart and lists a host's jails by name", () => {
    notes.setIdle({ host: "web1", jail: "sshd", idle: true, by: "a", at: T0 });
    notes.setIdle({ host: "web1", jail: "nginx", idle: false, by: "b", at: T0 + 1 });
    notes.setIdle({ host: "web2", jail: "sshd", idle: false, by: "c", at: T0 + 2 });
    expect(notes.all("web1")).toEqual([
      { jail: "nginx", idle: false, by: "b", at: T0 + 1 },
      { jail: "sshd", idle: true, by: "a", at: T0 },
    ]);
    expect(notes.idleOf("web2", "sshd")).toEqual({ idle: false, by: "c", at: T0 + 2 });
    expect(notes.idleOf("web2", "nginx")).toBeUndefined();
  });
});
