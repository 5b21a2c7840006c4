// Two kinds of failure only: a UserError is expected and its message is shown verbatim to whoever
// asked; anything else is a bug or an outage, logged with an incident id (see incident.ts).

export type ErrorCode =
  | "config_invalid"
  | "database_too_new"
  /** BanBot's SQLite store is not a database, or cannot be opened. */
  | "store_unusable"
  | "migration_invalid"
  | "fail2ban_socket_missing"
  | "fail2ban_permission_denied"
  | "fail2ban_refused"
  | "fail2ban_timeout"
  | "fail2ban_unavailable"
  | "fail2ban_protocol"
  | "fail2ban_rejected"
  | "fail2ban_unsupported"
  | "fail2ban_client_failed"
  | "fail2ban_db_unavailable"
  | "unknown_jail"
  | "invalid_argument"
  /** Somebody acting on what is not theirs (another person's confirmation): audited as refused. */
  | "not_allowed";

export class UserError extends Error {
  override readonly name = "UserError";

  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isUserError(err: unknown, code?: ErrorCode): err is UserError {
  return err instanceof UserError && (code === undefined || err.code === code);
}
