import { UserError } from "../errors.js";
import { formatDuration } from "../time-format.js";

// Every way of not reaching fail2ban, mapped once to what the operator should do about it. Messages
// reach chat, so they name the setting to check, never the path itself (that goes to the log).

export function connectError(err: unknown, socketPath: string): UserError {
  const code = (err as NodeJS.ErrnoException).code;
  const cause = Object.assign(new Error(`connect ${socketPath}: ${code ?? String(err)}`), { cause: err });
  switch (code) {
    case "ENOENT":
    case "ENOTDIR":
      return new UserError(
        "fail2ban_socket_missing",
        "fail2ban's socket was not found: start fail2ban, or point BANBOT_FAIL2BAN_SOCKET at its socket.",
        { cause },
      );
    case "EACCES":
    case "EPERM":
      return new UserError(
        "fail2ban_permission_denied",
        "Permission denied on fail2ban's socket: run BanBot as the user that owns it (usually root).",
        { cause },
      );
    case "ECONNREFUSED":
      return new UserError(
        "fail2ban_refused",
        "fail2ban refused the connection: the socket is stale (fail2ban crashed or is restarting); restart fail2ban.",
        { cause },
      );
    case "EAGAIN":
    case "ETIMEDOUT":
      return timeoutError(cause);
    default:
      return new UserError("fail2ban_unavailable", "fail2ban cannot be reached right now.", { cause });
  }
}

export function timeoutError(cause?: unknown): UserError {
  return new UserError(
    "fail2ban_timeout",
    "fail2ban did not answer in time: it may be busy (long ban actions) or hung; check its log.",
    { cause },
  );
}

export function lostError(cause: unknown): UserError {
  return new UserError(
    "fail2ban_unavailable",
    "The connection to fail2ban was lost while it worked on the command; check its state before retrying.",
    { cause },
  );
}

/**
 * Why a ping got no answer, for the health check and doctor. Since fail2ban 1.1.1 systemd can hold
 * the socket itself (socket activation), so a socket that accepts connections no longer means a
 * running server: only an answer does.
 */
export function describeNoPing(err: UserError, timeoutMs: number): string {
  if (err.code !== "fail2ban_timeout") return `No answer to a ping: ${err.message}`;
  return (
    `The socket accepts connections, but nothing answered a ping within ${formatDuration(timeoutMs)}: fail2ban is hung, or the socket ` +
    "is systemd's (socket activation, fail2ban 1.1.1 and later) and fail2ban did not start. Check `systemctl status fail2ban` and fail2ban's log."
  );
}
