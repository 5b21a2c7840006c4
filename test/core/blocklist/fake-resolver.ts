import type { Resolver } from "../../../src/core/blocklist/resolver.js";

/** DNS answers a test sets, and may change between saving a source and fetching it. */
export class FakeResolver implements Resolver {
  readonly asked: string[] = [];
  private readonly answers: Map<string, string[]>;

  constructor(answers: Record<string, string[]> = {}) {
    this.answers = new Map(Object.entries(answers));
  }

  set(host: string, addresses: string[]): void {
    this.answers.set(host, addresses);
  }

  resolve(hostname: string): Promise<string[]> {
    this.asked.push(hostname);
    const found = this.answers.get(hostname);
    if (!found) return Promise.reject(Object.assign(new Error(`queryA ENOTFOUND ${hostname}`), { code: "ENOTFOUND" }));
    return Promise.resolve([...found]);
  }
}
