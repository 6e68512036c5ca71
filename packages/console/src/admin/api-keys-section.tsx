import type { ApiKeyView } from "@artifact-store/client";
import { useState } from "preact/hooks";
import { useSignedIn } from "../session/context";
import { formatTime } from "../ui/format";
import { Loading, ProblemMessage } from "../ui/problem-message";
import { useAsync } from "../ui/use-async";
import { refusal } from "./refusal";
import { ShownOnce } from "./shown-once";
import { useAction } from "./use-action";

const SCOPES = ["read", "upload", "write", "admin"] as const;

/** API keys for scripts and crawlers: created (the key shown once), listed without it, revoked. */
export const ApiKeysSection = () => {
  const { client } = useSignedIn();
  const keys = useAsync(() => client.listApiKeys(), []);
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);
  const revoke = useAction();
  const refused = refusal(keys.problem);
  if (refused) return refused;

  return (
    <>
      <CreateApiKey
        onCreated={(key) => {
          setCreated(key);
          keys.reload();
        }}
      />
      {created ? (
        <ShownOnce
          title={`API key “${created.name}”`}
          value={created.key}
          what="Send it as the bearer token (Authorization: Bearer …). The store keeps only its hash."
        />
      ) : null}
      <section aria-labelledby="api-keys-title">
        <h2 id="api-keys-title">Keys</h2>
        {keys.loading ? <Loading what="the API keys" /> : null}
        <ProblemMessage problem={keys.problem} title="Could not list the API keys" />
        {keys.value && keys.value.length === 0 ? <p class="empty">No API keys yet.</p> : null}
        {keys.value && keys.value.length > 0 ? (
          <div class="table-scroll">
            <table class="stacked api-keys">
              <caption class="visually-hidden">API keys</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Acts as</th>
                  <th scope="col">Scopes</th>
                  <th scope="col">Created</th>
                  <th scope="col">Expires</th>
                  <th scope="col">Last used</th>
                  <th scope="col">State</th>
                </tr>
              </thead>
              <tbody>
                {keys.value.map((key) => (
                  <ApiKeyRow
                    key={key.id}
                    apiKey={key}
                    busy={revoke.busy}
                    onRevoke={() =>
                      void revoke.run(async () => {
                        await client.revokeApiKey(key.id);
                        keys.reload();
                      })
                    }
                  />
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        <ProblemMessage problem={revoke.problem} title="Not revoked" />
      </section>
    </>
  );
};

const ApiKeyRow = ({
  apiKey,
  busy,
  onRevoke,
}: {
  apiKey: ApiKeyView;
  busy: boolean;
  onRevoke: () => void;
}) => (
  <tr data-key-name={apiKey.name}>
    <td data-label="Name" class="wrap-anywhere">
      {apiKey.name}
    </td>
    <td data-label="Acts as" class="wrap-anywhere">
      {apiKey.subject}
    </td>
    <td data-label="Scopes">{apiKey.scopes.join(", ")}</td>
    <td data-label="Created">
      {formatTime(apiKey.createdAt)} <span class="hint">by {apiKey.createdBy}</span>
    </td>
    <td data-label="Expires">{apiKey.expiresAt ? formatTime(apiKey.expiresAt) : "never"}</td>
    <td data-label="Last used">{apiKey.lastUsedAt ? formatTime(apiKey.lastUsedAt) : "never"}</td>
    <td data-label="State" class="key-state">
      {apiKey.revokedAt ? (
        <span class="badge key-revoked">revoked {formatTime(apiKey.revokedAt)}</span>
      ) : (
        <button
          type="button"
          class="secondary"
          disabled={busy}
          aria-label={`Revoke the key ${apiKey.name}`}
          onClick={onRevoke}
        >
          Revoke
        </button>
      )}
    </td>
  </tr>
);

const CreateApiKey = ({ onCreated }: { onCreated: (key: { name: string; key: string }) => void }) => {
  const { client } = useSignedIn();
  const [subject, setSubject] = useState("");
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<string[]>(["read", "upload"]);
  const [expires, setExpires] = useState("");
  const create = useAction();
  return (
    <section aria-labelledby="create-key-title">
      <h2 id="create-key-title">New API key</h2>
      <form
        class="stack"
        onSubmit={(event) => {
          event.preventDefault();
          void create.run(async () => {
            const created = await client.createApiKey({
              subject: subject.trim(),
              name: name.trim(),
              scopes,
              ...(expires ? { expiresAt: new Date(expires) } : {}),
            });
            setName("");
            setExpires("");
            onCreated({ name: created.name, key: created.key });
          });
        }}
      >
        <div class="row wrap">
          <div class="field">
            <label for="key-subject">
              Acts as <span class="hint">(the user id its calls are made as)</span>
            </label>
            <input
              id="key-subject"
              required
              value={subject}
              onInput={(event) => setSubject(event.currentTarget.value)}
            />
          </div>
          <div class="field">
            <label for="key-name">
              Name <span class="hint">(what it is for)</span>
            </label>
            <input
              id="key-name"
              required
              value={name}
              onInput={(event) => setName(event.currentTarget.value)}
            />
          </div>
          <div class="field">
            <label for="key-expires">
              Expires <span class="hint">(optional)</span>
            </label>
            <input
              id="key-expires"
              type="datetime-local"
              value={expires}
              onInput={(event) => setExpires(event.currentTarget.value)}
            />
          </div>
        </div>
        <fieldset>
          <legend>Scopes</legend>
          <div class="row">
            {SCOPES.map((scope) => (
              <label class="inline check" key={scope}>
                <input
                  type="checkbox"
                  checked={scopes.includes(scope)}
                  onChange={(event) =>
                    setScopes(
                      event.currentTarget.checked
                        ? [...scopes, scope]
                        : scopes.filter((each) => each !== scope),
                    )
                  }
                />{" "}
                {scope}
              </label>
            ))}
          </div>
        </fieldset>
        <button
          type="submit"
          disabled={create.busy || scopes.length === 0 || !subject.trim() || !name.trim()}
        >
          Create key
        </button>
      </form>
      <ProblemMessage problem={create.problem} title="Key not created" />
    </section>
  );
};
