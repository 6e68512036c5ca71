// The one-click sign-in of `npm start`: its server mints development tokens at /console/dev-sign-in
// (local only; a deployed API has no such route, and a deployed console never asks for it).
import { API_URL, SAME_ORIGIN_API } from "./session";

export interface DevUser {
  sub: string;
  roles: string[];
}

const ENDPOINT = `${API_URL}/console/dev-sign-in`;

/** The users the banner printed, or null where there is no development sign-in. */
export const devUsers = async (): Promise<DevUser[] | null> => {
  if (!SAME_ORIGIN_API) return null;
  try {
    const response = await fetch(ENDPOINT, { headers: { accept: "application/json" } });
    if (!response.ok) return null;
    return ((await response.json()) as { users: DevUser[] }).users;
  } catch {
    return null;
  }
};

export const devToken = async (user: DevUser): Promise<string> => {
  const response = await fetch(ENDPOINT, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(user),
  });
  const body = (await response.json().catch(() => ({}))) as {
    token?: string;
    error?: { message?: string };
  };
  if (!response.ok || !body.token) throw new Error(body.error?.message ?? `HTTP ${response.status}`);
  return body.token;
};
