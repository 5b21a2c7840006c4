// One look for every chart: a dark card with rounded corners (transparent outside), so the image
// reads the same in Slack's and Discord's light and dark themes, and mid-tone colours that stay
// distinct from each other and from the card (Tableau 10, lifted for a dark background).

export const CHART_THEME = {
  card: "#23272e",
  border: "#3a4049",
  radius: 14,
  title: "#f2f4f7",
  text: "#c8cdd5",
  muted: "#8d95a1",
  grid: "#363c45",
  // Condensed: ECharts lays text out with Arial-like width estimates, which DejaVu Sans overruns.
  font: "DejaVu Sans Condensed",
  palette: ["#5b9bd5", "#f0913d", "#e3625e", "#5cc1b3", "#7cc45f", "#e9c84a", "#b385da", "#f19cbd", "#b08d6e", "#a3adb9"],
  /** Rendered at twice the layout size, so text stays sharp when chat clients scale the image. */
  scale: 2,
} as const;

/** The colour of the i-th series; the palette repeats past ten. */
export function seriesColor(index: number): string {
  return CHART_THEME.palette[index % CHART_THEME.palette.length]!;
}

/** The title block every BanBot chart shares: title and subtitle, top left. */
export function chartTitle(spec: { title: string; subtitle?: string }) {
  return {
    text: spec.title,
    subtext: spec.subtitle,
    left: 16,
    top: 12,
    textStyle: { color: CHART_THEME.title, fontSize: 16, fontWeight: "bold" as const },
    subtextStyle: { color: CHART_THEME.muted, fontSize: 12 },
  };
}
