import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/open.js";
import { transaction } from "../../src/db/transaction.js";

describe("transaction", () => {
  const setup = () => {
    const db = openDatabase(":memory:");
    db.exec("CREATE TABLE t (x INTEGER)");
    const insert = (x: number) => db.prepare("INSERT INTO t VALUES (?)").run(x);
    const count = () => db.prepare("SELECT count(*) FROM t").pluck().get();
    return { db, insert, count };
  };

  it("commits on success and returns the function's value", () => {
    const { db, insert, count } = setup();
    expect(transaction(db, () => (insert(1), "done"))).toBe("done");
    expect(count()).toBe(1);
  });

  it("rolls back everything when the function throws, including nested calls", () => {
    const { db, insert, count } = setup();
    expect(() =>
      transaction(db, () => {
        insert(1);
        transaction(db, () => insert(2));
        throw new Error("abort");
      }),
    ).toThrow("abort");
    expect(count()).toBe(0);
  });
});
