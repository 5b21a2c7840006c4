import type { GeoDescription, GeoInfo, GeoResult } from "./model.js";

// The CC0 database has codes only, so names come from ICU (full-icu ships with Node 20). Made on
// first use, and stateless after: loading ICU's region names costs a one-shot command ~40 ms.
const regionNames = ((): (() => Intl.DisplayNames) => {
  let names: Intl.DisplayNames | undefined;
  return () => (names ??= new Intl.DisplayNames(["en"], { type: "region", fallback: "none" }));
})();

/** "DE" → "Germany"; undefined for codes ICU does not know (e.g. "ZZ"). */
export function countryName(code: string): string | undefined {
  if (!/^[A-Z]{2}$/.test(code)) return undefined;
  try {
    const name = regionNames().of(code);
    return name === undefined || name === code ? undefined : name;
  } catch {
    return undefined;
  }
}

/** "DE" → 🇩🇪: the two regional indicator symbols; empty for anything but two letters A–Z. */
export function flagEmoji(code: string): string {
  if (!/^[A-Z]{2}$/.test(code)) return "";
  return String.fromCodePoint(...[...code].map((c) => 0x1f1e6 + c.charCodeAt(0) - 65));
}

/** "🇩🇪 Germany", or "🇩🇪 DE" when the name is unknown; "unknown" without a country. */
export function countryLabel(info: Pick<GeoInfo, "countryCode" | "countryName">): string {
  const code = info.countryCode;
  if (code === undefined) return "unknown";
  const flag = flagEmoji(code);
  const name = info.countryName ?? code;
  return flag ? `${flag} ${name}` : name;
}

export function describeResult(result: GeoResult): GeoDescription {
  switch (result.kind) {
    case "found":
      return { label: countryLabel(result.info), info: result.info };
    case "special":
      return { label: result.label };
    case "unknown":
      return { label: "unknown" };
    case "invalid":
      return { label: "not an IP address" };
  }
}
