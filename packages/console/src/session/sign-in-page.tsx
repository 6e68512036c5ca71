import { useEffect, useState } from "preact/hooks";
import { type Problem, problemOf } from "../ui/problem";
import { ProblemMessage } from "../ui/problem-message";
import { type DevUser, devToken, devUsers } from "./dev-sign-in";
import { clientFor, describeCredential, type Session } from "./session";

/**
 * Asks the API who the credential is (GET /v1/me), so a bad paste fails here and not on the first
 * page, and what the console shows and offers (the admin pages) is what the API decided, for API
 * keys as for tokens of any issuer.
 */
const signInWith = async (credential: string): Promise<Session> => {
  const described = describeCredential(credential);
  if (!described) {
    throw new Error("That is neither a token (three dot-separated parts) nor an API key (ask_…).");
  }
  const identity = await clientFor(credential).me();
  return {
    credential,
    ...described,
    user: identity.id,
    roles: identity.roles,
    admin: identity.admin,
  };
};

export const SignInPage = ({ onSignedIn }: { onSignedIn: (session: Session) => void }) => {
  const [credential, setCredential] = useState("");
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const [users, setUsers] = useState<DevUser[] | null>(null);
  const [otherUser, setOtherUser] = useState("");

  useEffect(() => {
    devUsers().then(setUsers);
  }, []);

  const attempt = async (credentialOf: () => Promise<string>) => {
    setBusy(true);
    setProblem(null);
    try {
      onSignedIn(await signInWith(await credentialOf()));
    } catch (error) {
      setProblem(problemOf(error));
      setBusy(false);
    }
  };

  return (
    <main id="main" class="sign-in">
      <h1>Sign in to the artifact store</h1>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void attempt(async () => credential.trim());
        }}
      >
        <label for="credential">Token or API key</label>
        <input
          id="credential"
          name="credential"
          type="password"
          autoComplete="off"
          spellcheck={false}
          required
          value={credential}
          onInput={(event) => setCredential(event.currentTarget.value)}
        />
        <p class="hint">
          A JWT from your identity provider, or an API key (<code>ask_…</code>). It is kept in this tab only
          and is gone when you close it.
        </p>
        <button type="submit" disabled={busy || credential.trim() === ""}>
          Sign in
        </button>
      </form>
      {users ? (
        <section class="dev-sign-in" aria-labelledby="dev-sign-in-title">
          <h2 id="dev-sign-in-title">Development sign-in</h2>
          <p class="hint">
            Only under <code>npm start</code>: sign in as one of the users it printed, or as anyone else.
          </p>
          <div class="row">
            {users.map((user) => (
              <button
                type="button"
                key={user.sub}
                disabled={busy}
                onClick={() => void attempt(() => devToken(user))}
              >
                Sign in as {user.sub}
                {user.roles.length > 0 ? ` (${user.roles.join(", ")})` : ""}
              </button>
            ))}
          </div>
          <form
            class="row"
            onSubmit={(event) => {
              event.preventDefault();
              void attempt(() => devToken({ sub: otherUser.trim(), roles: [] }));
            }}
          >
            <label for="other-user">Another user</label>
            <input
              id="other-user"
              value={otherUser}
              placeholder="alice"
              onInput={(event) => setOtherUser(event.currentTarget.value)}
            />
            <button type="submit" disabled={busy || otherUser.trim() === ""}>
              Sign in as this user
            </button>
          </form>
        </section>
      ) : null}
      <ProblemMessage problem={problem} title="Could not sign in" />
    </main>
  );
};
