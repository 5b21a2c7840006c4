const DEFAULT_API_URL = "https://discord.com/api";

/** DISCORD_API_URL may end in a slash; @discordjs/rest appends `/v10/…` itself. */
export function apiBase(apiUrl: string | undefined): string {
  return (apiUrl ?? DEFAULT_API_URL).replace(/\/+$/, "");
}
