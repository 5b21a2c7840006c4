/**
 * Cuts a byte stream into newline-terminated UTF-8 lines, never holding more than `maxBytes` of one
 * line: a longer line is skipped up to its newline and reported as `undefined`, so a writer that
 * never sends a newline cannot make BanBot buffer without bound.
 */
export class LineSplitter {
  private parts: Buffer[] = [];
  private size = 0;
  private skipping = false;

  constructor(private readonly maxBytes: number) {}

  push(chunk: Buffer): (string | undefined)[] {
    const lines: (string | undefined)[] = [];
    let start = 0;
    for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, start)) {
      const piece = chunk.subarray(start, nl);
      start = nl + 1;
      if (this.skipping || this.size + piece.length > this.maxBytes) {
        lines.push(undefined);
      } else {
        lines.push(Buffer.concat([...this.parts, piece]).toString("utf8"));
      }
      this.reset();
    }
    const rest = chunk.subarray(start);
    if (rest.length === 0 || this.skipping) return lines;
    if (this.size + rest.length > this.maxBytes) {
      this.parts = [];
      this.size = 0;
      this.skipping = true;
    } else {
      // Copied: the stream may reuse the chunk's memory.
      this.parts.push(Buffer.from(rest));
      this.size += rest.length;
    }
    return lines;
  }

  /** At the end of the stream: whether an unterminated line (a writer cut off mid-line) was dropped. */
  end(): boolean {
    const dropped = this.size > 0 || this.skipping;
    this.reset();
    return dropped;
  }

  private reset(): void {
    this.parts = [];
    this.size = 0;
    this.skipping = false;
  }
}
