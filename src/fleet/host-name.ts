/**
 * This machine's name in the fleet when BANBOT_HOST is unset: the hostname's first label (subject
 * tokens hold no dots), with any other character a subject token cannot hold turned into "-".
 */
export function defaultFleetHost(hostname: string): string {
  const label = (hostname.split(".")[0] ?? "").replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 64);
  return label === "" || label === "all" || label === "everywhere" ? `host-${label}` : label;
}
