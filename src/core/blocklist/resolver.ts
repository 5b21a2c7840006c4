import { lookup } from "node:dns/promises";

/**
 * Name resolution for downloads, a port so tests can make a name's answer change between the
 * check when a source is saved and the connection when it is fetched (DNS rebinding).
 */
export interface Resolver {
  /** Every address `hostname` resolves to, IPv4 and IPv6; rejects when it does not resolve. */
  resolve(hostname: string): Promise<string[]>;
}

export function createSystemResolver(): Resolver {
  return {
    async resolve(hostname) {
      const answers = await lookup(hostname, { all: true, verbatim: true });
      return answers.map((a) => a.address);
    },
  };
}
