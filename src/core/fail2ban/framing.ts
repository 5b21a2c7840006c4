import { END_MARKER, PickleTruncatedError, decodePickle, type PickleValue } from "./pickle.js";

const STOP = 0x2e;

/**
 * Collects reply bytes until they form one complete frame. The end marker is not escaped, so a reply
 * may contain it inside a string: a frame ends at an end marker only when the bytes before it decode
 * to a whole pickle.
 */
export class ReplyAssembler {
  private chunks: Buffer[] = [];
  private length = 0;
  private scanFrom = 0;
  private recent = Buffer.alloc(0);

  /** Adds bytes; returns the decoded reply once complete, otherwise undefined. */
  push(chunk: Buffer): { value: PickleValue; rest: Buffer } | undefined {
    // Joining the chunks is only worth it once an end marker may have arrived, so look for one in
    // the new chunk plus the few bytes before it that could hold the marker's start.
    const window = Buffer.concat([this.recent, chunk]);
    this.recent = window.subarray(Math.max(0, window.length - END_MARKER.length + 1));
    this.chunks.push(chunk);
    this.length += chunk.length;
    if (window.indexOf(END_MARKER) < 0) return undefined;

    const buf = Buffer.concat(this.chunks, this.length);
    this.chunks = [buf];
    for (let at = buf.indexOf(END_MARKER, this.scanFrom); at >= 0; at = buf.indexOf(END_MARKER, at + 1)) {
      this.scanFrom = at + 1;
      if (at === 0 || buf[at - 1] !== STOP) continue;
      try {
        const value = decodePickle(buf.subarray(0, at));
        const rest = Buffer.from(buf.subarray(at + END_MARKER.length));
        this.reset();
        return { value, rest };
      } catch (err) {
        if (!(err instanceof PickleTruncatedError)) throw err;
      }
    }
    return undefined;
  }

  get bytesReceived(): number {
    return this.length;
  }

  reset(): void {
    this.chunks = [];
    this.length = 0;
    this.scanFrom = 0;
    this.recent = Buffer.alloc(0);
  }

}
