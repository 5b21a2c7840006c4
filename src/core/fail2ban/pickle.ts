// fail2ban speaks Python pickle over its socket. We write requests ourselves (protocol 2, a flat list
// of strings, which every server from py2 to py3.13 reads) and decode the small opcode subset real
// servers answer with (protocols 2–5). Decoding never constructs anything from a pickled global: the
// only global we give meaning to is `str` (fail2ban pickles every IP as `str(ip)`); every other one,
// exception classes included, becomes an inert PyObject carrying its name and arguments.

export const END_MARKER = Buffer.from("<F2B_END_COMMAND>", "latin1");

export type PickleValue =
  | string
  | number
  | bigint
  | boolean
  | null
  | Uint8Array
  | PyObject
  | PickleValue[]
  | PickleDict;

/** A dict; it has no prototype, so a key such as `__proto__` is just a key. */
export type PickleDict = { [key: string]: PickleValue };

/** An object the decoder did not construct: a class reference, or the result of calling one. */
export class PyObject {
  state: PickleValue | undefined;

  constructor(
    readonly type: string,
    readonly args: readonly PickleValue[] | undefined,
  ) {}
}

/** Thrown when the bytes end before STOP: more data is needed, it is not corrupt. */
export class PickleTruncatedError extends Error {
  override readonly name = "PickleTruncatedError";
}

export class PickleFormatError extends Error {
  override readonly name = "PickleFormatError";
}

const END_MARKER_TEXT = END_MARKER.toString("latin1");

// Sized first and written into one buffer: a ban of 2,000 addresses is one allocation, not 4,000.
export function encodeCommand(args: readonly string[]): Buffer {
  let size = 4 + 2 + END_MARKER.length;
  for (const arg of args) {
    // The marker is not escaped on the wire: the server would split the request there. It is ASCII,
    // so the string holds it exactly when its UTF-8 bytes do.
    if (arg.includes(END_MARKER_TEXT)) throw new RangeError("argument contains the fail2ban end marker");
    size += 5 + Buffer.byteLength(arg, "utf8");
  }
  const out = Buffer.allocUnsafe(size);
  out.set([0x80, 0x02, 0x5d, 0x28]);
  let at = 4;
  for (const arg of args) {
    out[at] = 0x58;
    const length = out.write(arg, at + 5, "utf8");
    out.writeUInt32LE(length, at + 1);
    at += 5 + length;
  }
  out[at++] = 0x65;
  out[at++] = 0x2e;
  END_MARKER.copy(out, at);
  return out;
}

const STRING_TYPES = new Set(["builtins.str", "__builtin__.str", "__builtin__.unicode"]);
// Plain data that protocol 2 can only express as a call; building these runs no code.
const SET_TYPES = new Set(["builtins.set", "builtins.frozenset", "__builtin__.set", "__builtin__.frozenset"]);
const MARK = Symbol("mark");
type StackItem = PickleValue | typeof MARK;

export function decodePickle(buf: Uint8Array): PickleValue {
  const data = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const stack: StackItem[] = [];
  const memo: PickleValue[] = [];
  let pos = 0;

  const need = (n: number): number => {
    if (pos + n > data.length) throw new PickleTruncatedError("pickle data was truncated");
    const at = pos;
    pos += n;
    return at;
  };
  const u8 = (): number => data[need(1)]!;
  const u32 = (): number => data.readUInt32LE(need(4));
  const u64 = (): number => Number(data.readBigUInt64LE(need(8)));
  const text = (n: number): string => data.toString("utf8", need(n), pos);
  const line = (): string => {
    const end = data.indexOf(0x0a, pos);
    if (end < 0) throw new PickleTruncatedError("pickle data was truncated");
    const s = data.toString("utf8", pos, end);
    pos = end + 1;
    return s;
  };
  const pop = (): PickleValue => {
    const v = stack.pop();
    if (v === undefined || v === MARK) throw new PickleFormatError("stack underflow");
    return v;
  };
  const top = (): PickleValue => {
    const v = stack[stack.length - 1];
    if (v === undefined || v === MARK) throw new PickleFormatError("stack underflow");
    return v;
  };
  const popMark = (): PickleValue[] => {
    const at = stack.lastIndexOf(MARK);
    if (at < 0) throw new PickleFormatError("mark not found");
    const items = stack.splice(at) as PickleValue[];
    items.shift();
    return items;
  };
  const list = (v: PickleValue): PickleValue[] => {
    if (!Array.isArray(v)) throw new PickleFormatError("expected a list");
    return v;
  };
  const dict = (v: PickleValue): PickleDict => {
    if (!isDict(v)) throw new PickleFormatError("expected a dict");
    return v;
  };
  const memoGet = (i: number): PickleValue => {
    if (i >= memo.length) throw new PickleFormatError("memo index out of range");
    return memo[i]!;
  };
  const call = (callable: PickleValue, args: PickleValue): PickleValue => {
    if (!(callable instanceof PyObject) || callable.args !== undefined) {
      throw new PickleFormatError("call of a non-class");
    }
    const argv = list(args);
    if (STRING_TYPES.has(callable.type)) return str(argv[0] ?? "");
    if (SET_TYPES.has(callable.type)) return argv.length === 0 ? [] : [...list(argv[0]!)];
    if (callable.type === "_codecs.encode" && argv[1] === "latin1" && typeof argv[0] === "string") {
      return new Uint8Array(Buffer.from(argv[0], "latin1"));
    }
    return new PyObject(callable.type, argv);
  };

  for (;;) {
    const op = u8();
    switch (op) {
      case 0x80: u8(); break; // PROTO
      case 0x95: need(8); break; // FRAME: a length hint only
      case 0x2e: // STOP
        if (pos !== data.length) throw new PickleFormatError("trailing bytes after STOP");
        return pop();
      case 0x28: stack.push(MARK); break;
      case 0x94: memo.push(top()); break; // MEMOIZE
      case 0x71: memo[u8()] = top(); break; // BINPUT
      case 0x72: memo[u32()] = top(); break; // LONG_BINPUT
      case 0x68: stack.push(memoGet(u8())); break; // BINGET
      case 0x6a: stack.push(memoGet(u32())); break; // LONG_BINGET
      case 0x4b: stack.push(u8()); break; // BININT1
      case 0x4d: stack.push(data.readUInt16LE(need(2))); break; // BININT2
      case 0x4a: stack.push(data.readInt32LE(need(4))); break; // BININT
      case 0x8a: stack.push(decodeLong(data, need(u8()), pos)); break; // LONG1
      case 0x8b: stack.push(decodeLong(data, need(u32()), pos)); break; // LONG4
      case 0x4e: stack.push(null); break;
      case 0x88: stack.push(true); break;
      case 0x89: stack.push(false); break;
      case 0x47: stack.push(data.readDoubleBE(need(8))); break; // BINFLOAT
      case 0x8c: { // SHORT_BINUNICODE
        const s = text(u8());
        // fail2ban lists addresses as `str(ip)` each: SHORT_BINUNICODE MEMOIZE TUPLE1 MEMOIZE REDUCE
        // MEMOIZE under a `str` class. Taken in one step, with the same stack and memo as op by op:
        // a list of 100,000 addresses decodes in about half the time.
        if (data[pos] === 0x94 && data[pos + 1] === 0x85 && data[pos + 2] === 0x94 && data[pos + 3] === 0x52 && data[pos + 4] === 0x94 && isStrClass(stack[stack.length - 1])) {
          memo.push(s, [s], s);
          stack[stack.length - 1] = s;
          pos += 5;
        } else stack.push(s);
        break;
      }
      case 0x58: stack.push(text(u32())); break; // BINUNICODE
      case 0x8d: stack.push(text(u64())); break; // BINUNICODE8
      case 0x55: stack.push(text(u8())); break; // SHORT_BINSTRING (py2 str)
      case 0x54: stack.push(text(data.readInt32LE(need(4)))); break; // BINSTRING
      case 0x43: stack.push(bytes(data, need(u8()), pos)); break; // SHORT_BINBYTES
      case 0x42: stack.push(bytes(data, need(u32()), pos)); break; // BINBYTES
      case 0x8e: stack.push(bytes(data, need(u64()), pos)); break; // BINBYTES8
      case 0x5d: stack.push([]); break; // EMPTY_LIST
      case 0x6c: stack.push(popMark()); break; // LIST
      case 0x61: { const v = pop(); list(top()).push(v); break; } // APPEND
      case 0x65: { const items = popMark(); list(top()).push(...items); break; } // APPENDS
      case 0x29: stack.push([]); break; // EMPTY_TUPLE
      case 0x85: stack.push([pop()]); break; // TUPLE1
      case 0x86: { const b = pop(); stack.push([pop(), b]); break; } // TUPLE2
      case 0x87: { const c = pop(); const b = pop(); stack.push([pop(), b, c]); break; } // TUPLE3
      case 0x74: stack.push(popMark()); break; // TUPLE
      case 0x7d: stack.push(Object.create(null) as PickleDict); break; // EMPTY_DICT
      case 0x64: stack.push(toDict(popMark())); break; // DICT
      case 0x73: { const v = pop(); const k = pop(); setItem(dict(top()), k, v); break; } // SETITEM
      case 0x75: { const kv = popMark(); const d = dict(top()); for (let i = 0; i + 1 < kv.length; i += 2) setItem(d, kv[i]!, kv[i + 1]!); break; } // SETITEMS
      case 0x8f: stack.push([]); break; // EMPTY_SET (sets become lists)
      case 0x90: { const items = popMark(); list(top()).push(...items); break; } // ADDITEMS
      case 0x91: stack.push(popMark()); break; // FROZENSET
      case 0x93: { const name = pop(); const mod = pop(); stack.push(new PyObject(`${str(mod)}.${str(name)}`, undefined)); break; } // STACK_GLOBAL
      case 0x63: { const mod = line(); stack.push(new PyObject(`${mod}.${line()}`, undefined)); break; } // GLOBAL
      case 0x52: { const args = pop(); stack.push(call(pop(), args)); break; } // REDUCE
      case 0x81: { const args = pop(); stack.push(call(pop(), args)); break; } // NEWOBJ
      case 0x62: { const state = pop(); const obj = top(); if (obj instanceof PyObject) obj.state = state; break; } // BUILD
      default:
        throw new PickleFormatError(`unsupported pickle opcode 0x${op.toString(16).padStart(2, "0")} at ${pos - 1}`);
    }
  }
}

const isStrClass = (v: StackItem | undefined): boolean => v instanceof PyObject && v.args === undefined && STRING_TYPES.has(v.type);

export function isDict(v: unknown): v is PickleDict {
  return typeof v === "object" && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === null;
}

function setItem(d: PickleDict, key: PickleValue, value: PickleValue): void {
  d[str(key)] = value;
}

/** Text of a scalar, as Python's str() would give it for the values fail2ban sends. */
export function str(v: PickleValue): string {
  if (typeof v === "string") return v;
  if (v instanceof Uint8Array) return Buffer.from(v).toString("utf8");
  if (v === null) return "None";
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "number" || typeof v === "bigint") return v.toString();
  if (v instanceof PyObject) return v.type;
  return JSON.stringify(v, (_key, x: unknown) => (typeof x === "bigint" ? x.toString() : x));
}

function toDict(kv: PickleValue[]): PickleDict {
  const d = Object.create(null) as PickleDict;
  for (let i = 0; i + 1 < kv.length; i += 2) setItem(d, kv[i]!, kv[i + 1]!);
  return d;
}

function bytes(data: Buffer, from: number, to: number): Uint8Array {
  return Uint8Array.prototype.slice.call(data, from, to);
}

// Two's-complement little-endian integer; small values become numbers, the rest bigints.
function decodeLong(data: Buffer, from: number, to: number): number | bigint {
  if (to === from) return 0;
  let n = 0n;
  for (let i = to - 1; i >= from; i--) n = (n << 8n) | BigInt(data[i]!);
  if (data[to - 1]! & 0x80) n -= 1n << BigInt(8 * (to - from));
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
}
