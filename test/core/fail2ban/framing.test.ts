import { describe, expect, it } from "vitest";
import { ReplyAssembler } from "../../../src/core/fail2ban/framing.js";

const END = Buffer.from("<F2B_END_COMMAND>");

// (0, '<text>') as protocol 2 with BINUNICODE, followed by the end marker.
function frame(text: string): Buffer {
  const t = Buffer.from(text);
  const len = Buffer.alloc(4);
  len.writeUInt32LE(t.length);
  return Buffer.concat([Buffer.from([0x80, 0x02, 0x4b, 0x00, 0x58]), len, t, Buffer.from([0x86, 0x2e]), END]);
}

describe("ReplyAssembler", () => {
  it("completes a reply split at every possible byte", () => {
    const bytes = frame("pong");
    for (let cut = 1; cut < bytes.length; cut++) {
      const a = new ReplyAssembler();
      expect(a.push(bytes.subarray(0, cut)), `cut at ${cut}`).toBeUndefined();
      expect(a.push(bytes.subarray(cut))?.value).toEqual([0, "pong"]);
    }
  });

  it("does not stop at an end marker inside a string", () => {
    const text = "a.<F2B_END_COMMAND>b\x2e<F2B_END_COMMAND>";
    const bytes = frame(text);
    const a = new ReplyAssembler();
    let result;
    for (const byte of bytes) result = a.push(Buffer.from([byte])) ?? result;
    expect(result?.value).toEqual([0, text]);
  });

  it("hands back bytes that follow the reply", () => {
    const a = new ReplyAssembler();
    const reply = a.push(Buffer.concat([frame("one"), Buffer.from("xy")]));
    expect(reply?.value).toEqual([0, "one"]);
    expect(reply?.rest.toString()).toBe("xy");
  });

  it("rejects a corrupt reply instead of waiting forever", () => {
    const a = new ReplyAssembler();
    expect(() => a.push(Buffer.concat([Buffer.from([0x80, 0x02, 0xff, 0x2e]), END]))).toThrow(/unsupported pickle opcode/);
  });
});
