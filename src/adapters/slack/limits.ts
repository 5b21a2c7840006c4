// Slack's Block Kit limits, from https://docs.slack.dev/reference/block-kit/ (blocks, composition
// objects, block elements). Slack rejects a whole message (`invalid_blocks`) when one is exceeded,
// so the renderer cuts to these and says so rather than losing the reply.

export const SLACK_LIMITS = {
  blocksPerMessage: 50,
  /** Section text, and any mrkdwn text object. */
  textChars: 3000,
  headerChars: 150,
  fieldsPerSection: 10,
  fieldChars: 2000,
  contextElements: 10,
  actionsElements: 25,
  buttonTextChars: 75,
  buttonValueChars: 2000,
  confirmTitleChars: 100,
  confirmTextChars: 300,
  confirmButtonChars: 30,
  /** The top-level `text`: Slack truncates at 40,000 but notifications show far less. */
  fallbackChars: 3000,
} as const;

/**
 * The data table and data visualization blocks (docs.slack.dev "Data table block", 2026-05, and
 * "Data visualization block", 2026-06). The reference allows 6 series per chart (not the 12 one
 * early description gave); BanBot keeps to 6, which satisfies both.
 */
export const DATA_LIMITS = {
  tableRows: 100,
  tableColumns: 20,
  /** All cells of a table, and of a message, together. */
  tableChars: 10_000,
  /** Rows a page shows before Slack's own paging; at most 100. */
  pageSize: 25,
  chartsPerMessage: 2,
  chartTitleChars: 50,
  chartSeries: 6,
  chartCategories: 20,
  chartLabelChars: 20,
} as const;

/** Table cells longer than this are cut: one long audit message would otherwise widen every row. */
export const TABLE_CELL_CHARS = 80;
