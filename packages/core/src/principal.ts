export type Principal =
  | { kind: "user"; id: string; roles: readonly string[] }
  | { kind: "anonymous"; id: null; roles: readonly string[] };

export const ANONYMOUS: Principal = { kind: "anonymous", id: null, roles: [] };

export const isAdmin = (principal: Principal): boolean => principal.roles.includes("admin");
