import { describe, expect, it } from "vitest";
import { ConsoleChat } from "../../../src/adapters/console/chat.js";
import { DeliveryError } from "../../../src/core/chat.js";
import type { Reply } from "../../../src/core/reply.js";

describe(ConsoleChat.name, () => {
  const alert: Reply = { title: "Ban spike in sshd", tone: "warn", actions: [{ label: "Show banned", command: "banned sshd" }] };

  it("shows posts while a console is attached, saying which are updates and follow-ups", async () => {
    const chat = new ConsoleChat();
    const shown: Reply[] = [];
    const detach = chat.attach((reply) => shown.push(reply));
    const posted = await chat.post("console", alert);
    await chat.post("console", alert, { replace: posted });
    await chat.post("console", { title: "Ban spike in sshd is over", tone: "ok" }, { followUpOf: posted });
    expect(shown.map((r) => r.title)).toEqual(["Ban spike in sshd", "Update: Ban spike in sshd", "Follow-up: Ban spike in sshd is over"]);
    expect(shown[0]?.actions).toEqual(alert.actions);
    detach();
    await expect(chat.post("console", alert)).rejects.toBeInstanceOf(DeliveryError);
    expect(shown).toHaveLength(3);
  });
});
