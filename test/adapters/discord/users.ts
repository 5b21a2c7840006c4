import type { Member } from "../../fakes/fake-discord-payloads.js";

// Discord members of the tests, and the grants that give them roles: by user ID (the admins) and
// by member role ID (operators, viewers), as the product's config example does.

export const ADMIN: Member = { id: "111111111111111111", username: "alice" };
export const ADMIN2: Member = { id: "111111111111111112", username: "amir" };
export const OPERATOR: Member = { id: "555555555555555551", username: "olga", roles: ["222222222222222222"] };
export const VIEWER: Member = { id: "555555555555555552", username: "victor", roles: ["333333333333333333"] };
export const NOBODY: Member = { id: "444444444444444444", username: "nobody", roles: [] };

export const GRANTS_YAML = `
access:
  grants:
    - role: admin
      discord_users: ["111111111111111111", "111111111111111112"]
    - role: operator
      discord_roles: ["222222222222222222"]
    - role: viewer
      discord_roles: ["333333333333333333"]
commands:
  rate_limit:
    per_minute: 1000
`;
