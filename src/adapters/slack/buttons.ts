import type { types } from "@slack/bolt";
import { hasConfirmToken } from "../../core/command/parse.js";
import type { Action } from "../../core/reply.js";
import { cut, mrkdwn, plainText } from "./escape.js";
import { SLACK_LIMITS } from "./limits.js";

/** Every BanBot button's action_id starts with this; the listener matches on it. */
export const ACTION_ID_PREFIX = "f2b:";

export interface ButtonMaker {
  /** A button running `action.command`, or undefined when Slack could not carry its command. */
  make(action: Action, label?: string): types.Button | undefined;
  /** Labels of the buttons left out. */
  readonly omitted: string[];
}

/**
 * Buttons for one message. The value is the command line itself, so a click needs no server-side
 * state; action_ids only have to be unique within the message, so they are numbered.
 */
export function createButtonMaker(): ButtonMaker {
  let count = 0;
  const omitted: string[] = [];
  return {
    omitted,
    make(action, label = action.label) {
      if (action.command.length > SLACK_LIMITS.buttonValueChars) {
        omitted.push(label);
        return undefined;
      }
      const button: types.Button = {
        type: "button",
        action_id: `${ACTION_ID_PREFIX}${count++}`,
        text: { type: "plain_text", text: cut(plainText(label), SLACK_LIMITS.buttonTextChars), emoji: true },
        value: action.command,
      };
      if (action.style) button.style = action.style;
      // The Confirm button of a confirmation reply already is the "are you sure?"; asking again in a
      // dialog would only teach people to click through dialogs.
      if (action.style === "danger" && !hasConfirmToken(action.command)) button.confirm = dialog(action, label);
      return button;
    },
  };
}

function dialog(action: Action, label: string): types.ConfirmationDialog {
  const plain = (text: string, max: number) => ({ type: "plain_text" as const, text: cut(plainText(text), max), emoji: true });
  return {
    title: plain("Are you sure?", SLACK_LIMITS.confirmTitleChars),
    text: { type: "mrkdwn", text: cut(mrkdwn(`This runs \`${action.command}\`.`), SLACK_LIMITS.confirmTextChars) },
    confirm: plain(label, SLACK_LIMITS.confirmButtonChars),
    deny: plain("Cancel", SLACK_LIMITS.confirmButtonChars),
    style: "danger",
  };
}
