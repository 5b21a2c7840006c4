import { describe, expect, it } from "vitest";
import {
  PickleFormatError,
  PickleTruncatedError,
  PyObject,
  decodePickle,
  encodeCommand,
} from "../../../src/core/fail2ban/pickle.js";

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ""), "hex");
const END = "3c46 3242 5f45 4e44 5f43 4f4d 4d41 4e44 3e";

describe("encodeCommand", () => {
  it("writes the protocol-2 frame that every fail2ban server accepts", () => {
    expect(encodeCommand(["ping"])).toEqual(hex(`8002 5d28 5804 0000 0070 696e 6765 2e ${END}`));
    expect(encodeCommand(["set", "sshd", "banip", "192.0.2.1", "192.0.2.2"])).toEqual(
      hex(`80 02 5d 28 58 03 00 00 00 73 65 74 58 04 00 00 00 73 73 68 64 58 05 00 00 00 62 61 6e 69 70
           58 09 00 00 00 31 39 32 2e 30 2e 32 2e 31 58 09 00 00 00 31 39 32 2e 30 2e 32 2e 32 65 2e ${END}`),
    );
  });

  it("encodes text as UTF-8 with its byte length", () => {
    expect(encodeCommand(["é"]).subarray(4, 11)).toEqual(hex("58 02 00 00 00 c3 a9"));
  });

  it("refuses an argument containing the end marker", () => {
    expect(() => encodeCommand(["echo", "x<F2B_END_COMMAND>"])).toThrow(RangeError);
  });
});

describe("decodePickle", () => {
  it("decodes a protocol-5 reply captured from fail2ban 1.0.2", () => {
    expect(decodePickle(hex("80 05 95 0c 00 00 00 00 00 00 00 4b 00 8c 04 70 6f 6e 67 94 86 94 2e"))).toEqual([0, "pong"]);
  });

  it("turns builtins.str REDUCE objects into plain strings", () => {
    // (0, ['192.0.2.10', '192.0.2.11']) as 1.0.2 sends it, the second IP reusing the memoised global.
    const bytes = hex(`80 05 95 3b 00 00 00 00 00 00 00 4b 00 5d 94 28 8c 08 62 75 69 6c 74 69 6e 73 94 8c 03 73 74 72 94 93 94
      8c 0a 31 39 32 2e 30 2e 32 2e 31 30 94 85 94 52 94 68 03 8c 0a 31 39 32 2e 30 2e 32 2e 31 31 94 85 94 52 94 65 86 94 2e`);
    expect(decodePickle(bytes)).toEqual([0, ["192.0.2.10", "192.0.2.11"]]);
  });

  it("keeps the memo of a str(ip) taken in one step: a later BINGET of its tuple finds it", () => {
    // [str('a'), <the tuple ('a',) again>]: memo 2 is str, 4 'a', 5 the tuple, 6 the result.
    const bytes = hex(`80 05 8c 08 62 75 69 6c 74 69 6e 73 94 8c 03 73 74 72 94 93 94 5d 94 28
      68 02 8c 01 61 94 85 94 52 94 68 05 68 06 65 2e`);
    expect(decodePickle(bytes)).toEqual(["a", ["a"], "a"]);
  });

  it("reads the str(ip) pattern under another class as a call of that class", () => {
    const bytes = hex(`80 05 8c 03 66 6f 6f 94 8c 03 42 61 72 94 93 94 8c 01 61 94 85 94 52 94 2e`);
    const value = decodePickle(bytes);
    expect(value).toBeInstanceOf(PyObject);
    expect(value).toMatchObject({ type: "foo.Bar", args: ["a"] });
  });

  it("keeps exceptions inert, with their type and arguments", () => {
    const bytes = hex(`80 05 4b 01 8c 13 ${Buffer.from("fail2ban.exceptions").toString("hex")} 94
      8c 14 ${Buffer.from("UnknownJailException").toString("hex")} 94 93 94 8c 06 ${Buffer.from("nojail").toString("hex")} 94 85 94 52 94 86 94 2e`);
    const [code, exc] = decodePickle(bytes) as [number, PyObject];
    expect(code).toBe(1);
    expect(exc).toBeInstanceOf(PyObject);
    expect(exc.type).toBe("fail2ban.exceptions.UnknownJailException");
    expect(exc.args).toEqual(["nojail"]);
  });

  it("resolves py2 text globals for str and unicode", () => {
    const py2 = Buffer.concat([
      hex("80 02 5d 63"), Buffer.from("__builtin__\nunicode\n"),
      hex("58 09 00 00 00"), Buffer.from("192.0.2.1"), hex("85 52 61 2e"),
    ]);
    expect(decodePickle(py2)).toEqual(["192.0.2.1"]);
  });

  it("reads scalars: ints of every width, floats, None and booleans", () => {
    expect(decodePickle(hex("80 02 28 4b 07 4d 34 12 4a ff ff ff ff 8a 06 00 00 00 00 00 01 47 3f f8 00 00 00 00 00 00 4e 88 89 74 2e"))).toEqual([
      7, 0x1234, -1, 2 ** 40, 1.5, null, true, false,
    ]);
    expect(decodePickle(hex("80 02 8a 09 00 00 00 00 00 00 00 00 01 2e"))).toBe(2n ** 64n);
  });

  it("builds dicts without prototypes, so __proto__ is only a key", () => {
    const key = Buffer.from("__proto__");
    const value = decodePickle(Buffer.concat([hex("80 02 7d 8c 09"), key, hex("8c 01 78 73 2e")])) as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBeNull();
    expect(Object.keys(value)).toEqual(["__proto__"]);
    expect(value["__proto__"]).toBe("x");
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it("never calls an unknown global", () => {
    const os = Buffer.concat([hex("80 02 63"), Buffer.from("os\nsystem\n"), hex("8c 02 69 64 85 52 2e")]);
    const v = decodePickle(os) as PyObject;
    expect(v).toBeInstanceOf(PyObject);
    expect(v.type).toBe("os.system");
    expect(v.args).toEqual(["id"]);
  });

  it("signals truncation separately from corruption", () => {
    const full = hex("80 05 95 0c 00 00 00 00 00 00 00 4b 00 8c 04 70 6f 6e 67 94 86 94 2e");
    for (let i = 0; i < full.length; i++) {
      expect(() => decodePickle(full.subarray(0, i)), `prefix of ${i} bytes`).toThrow(PickleTruncatedError);
    }
    expect(() => decodePickle(hex("80 02 ff 2e"))).toThrow(PickleFormatError);
    expect(() => decodePickle(hex("80 02 4e 2e 4e"))).toThrow(/trailing bytes/);
    expect(() => decodePickle(hex("80 02 61 2e"))).toThrow(/stack underflow/);
  });
});
