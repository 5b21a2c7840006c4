// Discord's message limits, beside the renderer that must stay within them. Sources:
// https://discord.com/developers/docs/resources/message#embed-object-embed-limits
// https://discord.com/developers/docs/components/reference (action rows, buttons, select menus)

export const EMBED = {
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  /** Title, description, field names and values, footer and author of every embed together. */
  total: 6000,
  perMessage: 10,
} as const;

export const COMPONENTS = {
  rows: 5,
  buttonsPerRow: 5,
  customId: 100,
  buttonLabel: 80,
  selectOptions: 25,
  selectText: 100,
  placeholder: 150,
} as const;

/**
 * Components V2 messages (https://discord.com/developers/docs/components/reference): nested
 * components count too, and the text of every text display together.
 */
export const V2 = {
  components: 40,
  text: 4000,
  galleryItems: 10,
} as const;

export const AUTOCOMPLETE = { choices: 25, text: 100 } as const;

/** A thread's name (started from an alert message). */
export const THREAD_NAME = 100;
