import type {
  CreatedWebhook,
  WebhookDeliveryView,
  WebhookEventType,
  WebhookView,
} from "@artifact-store/client";
import { useState } from "preact/hooks";
import { href } from "../routing/hash-route";
import { useSignedIn } from "../session/context";
import { formatTime, splitList } from "../ui/format";
import { Loading, ProblemMessage } from "../ui/problem-message";
import { useAsync } from "../ui/use-async";
import { ShownOnce } from "./shown-once";
import { useAction } from "./use-action";

const EVENTS: WebhookEventType[] = [
  "artifact.available",
  "artifact.verified",
  "artifact.corrupt",
  "artifact.deleted",
  "upload.expired",
];

/** Subscriptions (an admin sees everyone's), their deliveries, and sending one again. */
export const WebhooksSection = () => {
  const { client } = useSignedIn();
  const webhooks = useAsync(() => client.listWebhooks(), []);
  const [created, setCreated] = useState<CreatedWebhook | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const action = useAction();
  const shown = webhooks.value?.find((each) => each.id === selected) ?? null;

  return (
    <>
      {created ? (
        <ShownOnce
          title="Signing secret"
          value={created.secret}
          what={`Receivers verify the deliveries to ${created.url} with this secret (Standard Webhooks).`}
        />
      ) : null}
      <section aria-labelledby="webhooks-title">
        <h2 id="webhooks-title">Subscriptions</h2>
        {webhooks.loading ? <Loading what="the webhooks" /> : null}
        <ProblemMessage problem={webhooks.problem} title="Could not list the webhooks" />
        {webhooks.value && webhooks.value.length === 0 ? <p class="empty">No webhooks yet.</p> : null}
        {webhooks.value && webhooks.value.length > 0 ? (
          <ul class="cards">
            {webhooks.value.map((webhook) => (
              <li key={webhook.id} class="card" data-webhook={webhook.url}>
                <WebhookSummary webhook={webhook} />
                <div class="row">
                  <button
                    type="button"
                    class="secondary"
                    aria-pressed={selected === webhook.id}
                    onClick={() => setSelected(selected === webhook.id ? null : webhook.id)}
                  >
                    Deliveries
                  </button>
                  {webhook.state === "paused" ? (
                    <button
                      type="button"
                      class="secondary"
                      disabled={action.busy}
                      onClick={() =>
                        void action.run(async () => {
                          await client.resumeWebhook(webhook.id);
                          webhooks.reload();
                        })
                      }
                    >
                      Resume
                    </button>
                  ) : null}
                  {/* Deleting drops what it had queued: a second, explicit click. */}
                  {deleting === webhook.id ? (
                    <>
                      <button
                        type="button"
                        class="danger"
                        disabled={action.busy}
                        onClick={() =>
                          void action.run(async () => {
                            await client.deleteWebhook(webhook.id);
                            if (selected === webhook.id) setSelected(null);
                            setDeleting(null);
                            webhooks.reload();
                          })
                        }
                      >
                        Delete it and its queued deliveries
                      </button>
                      <button type="button" class="secondary" onClick={() => setDeleting(null)}>
                        Keep it
                      </button>
                    </>
                  ) : (
                    <button
                      type="button"
                      class="secondary"
                      aria-label={`Delete the webhook to ${webhook.url}…`}
                      onClick={() => setDeleting(webhook.id)}
                    >
                      Delete…
                    </button>
                  )}
                </div>
              </li>
            ))}
          </ul>
        ) : null}
        <ProblemMessage problem={action.problem} title="Not done" />
      </section>
      {shown ? <Deliveries key={shown.id} webhook={shown} /> : null}
      <CreateWebhook
        onCreated={(webhook) => {
          setCreated(webhook);
          webhooks.reload();
        }}
      />
    </>
  );
};

const WebhookSummary = ({ webhook }: { webhook: WebhookView }) => {
  const filters = [
    webhook.filters.tags.length > 0 ? `tags ${webhook.filters.tags.join(", ")}` : null,
    webhook.filters.contentType ? `type ${webhook.filters.contentType}` : null,
    webhook.filters.jobId ? `job ${webhook.filters.jobId}` : null,
  ].filter(Boolean);
  return (
    <div>
      <p class="card-title wrap-anywhere">
        <strong>{webhook.url}</strong> <span class={`badge webhook-${webhook.state}`}>{webhook.state}</span>
      </p>
      {webhook.description ? <p>{webhook.description}</p> : null}
      <p class="hint">
        {webhook.events.join(", ")} ·{" "}
        {webhook.owner === null ? "everyone's artifacts" : `${webhook.owner}'s artifacts`}
        {filters.length > 0 ? ` · ${filters.join(", ")}` : ""} · by {webhook.createdBy},{" "}
        {formatTime(webhook.createdAt)}
      </p>
      {webhook.pausedReason ? <p class="warn">Paused: {webhook.pausedReason}</p> : null}
    </div>
  );
};

const Deliveries = ({ webhook }: { webhook: WebhookView }) => {
  const { client } = useSignedIn();
  const deliveries = useAsync(() => client.listWebhookDeliveries(webhook.id, { limit: 50 }), [webhook.id]);
  const redeliver = useAction();
  const [queued, setQueued] = useState<string | null>(null);
  return (
    <section aria-labelledby="deliveries-title">
      <h2 id="deliveries-title">Deliveries to {webhook.url}</h2>
      <div class="row">
        <button type="button" class="secondary" onClick={deliveries.reload} disabled={deliveries.loading}>
          Refresh
        </button>
        {queued ? (
          <p role="status" class="ok">
            Queued again: it goes out with the next delivery run, under the same webhook-id.
          </p>
        ) : null}
      </div>
      {deliveries.loading ? <Loading what="the deliveries" /> : null}
      <ProblemMessage problem={deliveries.problem} title="Could not list the deliveries" />
      {deliveries.value && deliveries.value.length === 0 ? (
        <p class="empty">Nothing delivered yet: an event it is subscribed to has not happened since.</p>
      ) : null}
      {deliveries.value && deliveries.value.length > 0 ? (
        <div class="table-scroll">
          <table class="stacked deliveries">
            <caption class="visually-hidden">Deliveries, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Artifact</th>
                <th scope="col">State</th>
                <th scope="col">Attempts</th>
                <th scope="col">Last answer</th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {deliveries.value.map((delivery) => (
                <DeliveryRow
                  key={delivery.id}
                  delivery={delivery}
                  busy={redeliver.busy}
                  onRedeliver={() =>
                    void redeliver.run(async () => {
                      await client.redeliverWebhook(delivery.id);
                      setQueued(delivery.id);
                      deliveries.reload();
                    })
                  }
                />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <ProblemMessage problem={redeliver.problem} title="Not redelivered" />
    </section>
  );
};

const lastAnswer = (delivery: WebhookDeliveryView): string => {
  const last = delivery.attemptLog[delivery.attemptLog.length - 1];
  if (!last) return "—";
  if (last.error) return last.error;
  return `HTTP ${last.status} in ${last.latencyMs} ms`;
};

const DeliveryRow = ({
  delivery,
  busy,
  onRedeliver,
}: {
  delivery: WebhookDeliveryView;
  busy: boolean;
  onRedeliver: () => void;
}) => (
  <tr data-delivery={delivery.id} data-state={delivery.state}>
    <td data-label="Event">{delivery.eventType}</td>
    <td data-label="Artifact" class="wrap-anywhere">
      {delivery.artifactId ? (
        <a href={href(`/artifacts/${encodeURIComponent(delivery.artifactId)}`)}>{delivery.artifactId}</a>
      ) : (
        "—"
      )}
    </td>
    <td data-label="State">
      <span class={`badge delivery-${delivery.state}`}>{delivery.state}</span>
    </td>
    <td data-label="Attempts" class="attempts">
      {/* Every attempt, redeliveries' too (`attempts` counts only the current round). */}
      {delivery.attemptLog.length}
    </td>
    <td data-label="Last answer" class="wrap-anywhere">
      {lastAnswer(delivery)}
    </td>
    <td data-label="Created">{formatTime(delivery.createdAt)}</td>
    <td data-label="">
      <button
        type="button"
        class="secondary"
        disabled={busy}
        aria-label={`Redeliver ${delivery.eventType} of ${formatTime(delivery.createdAt)}`}
        onClick={onRedeliver}
      >
        Redeliver
      </button>
    </td>
  </tr>
);

const CreateWebhook = ({ onCreated }: { onCreated: (webhook: CreatedWebhook) => void }) => {
  const { client } = useSignedIn();
  const [url, setUrl] = useState("");
  const [events, setEvents] = useState<WebhookEventType[]>(["artifact.available"]);
  const [owner, setOwner] = useState("*");
  const [tags, setTags] = useState("");
  const [contentType, setContentType] = useState("");
  const [description, setDescription] = useState("");
  const create = useAction();
  return (
    <section aria-labelledby="create-webhook-title">
      <h2 id="create-webhook-title">New webhook</h2>
      <form
        class="stack"
        onSubmit={(event) => {
          event.preventDefault();
          void create.run(async () => {
            const webhook = await client.createWebhook({
              url: url.trim(),
              events,
              ...(owner.trim() ? { owner: owner.trim() } : {}),
              ...(description.trim() ? { description: description.trim() } : {}),
              filters: {
                ...(splitList(tags).length > 0 ? { tags: splitList(tags) } : {}),
                ...(contentType.trim() ? { contentType: contentType.trim() } : {}),
              },
            });
            setUrl("");
            setDescription("");
            onCreated(webhook);
          });
        }}
      >
        <div class="field">
          <label for="webhook-url">URL</label>
          <input
            id="webhook-url"
            type="url"
            required
            placeholder="https://receiver.example/hooks"
            value={url}
            onInput={(event) => setUrl(event.currentTarget.value)}
          />
        </div>
        <fieldset>
          <legend>Events</legend>
          <div class="row">
            {EVENTS.map((type) => (
              <label class="inline check" key={type}>
                <input
                  type="checkbox"
                  checked={events.includes(type)}
                  onChange={(event) =>
                    setEvents(
                      event.currentTarget.checked
                        ? [...events, type]
                        : events.filter((each) => each !== type),
                    )
                  }
                />{" "}
                {type}
              </label>
            ))}
          </div>
        </fieldset>
        <div class="row wrap">
          <div class="field">
            <label for="webhook-owner">
              Whose artifacts <span class="hint">(a user id; * for everyone's; empty for yours)</span>
            </label>
            <input
              id="webhook-owner"
              value={owner}
              onInput={(event) => setOwner(event.currentTarget.value)}
            />
          </div>
          <div class="field">
            <label for="webhook-tags">
              Only with tags <span class="hint">(comma-separated, all of them)</span>
            </label>
            <input id="webhook-tags" value={tags} onInput={(event) => setTags(event.currentTarget.value)} />
          </div>
          <div class="field">
            <label for="webhook-type">
              Only of type <span class="hint">(e.g. image/*)</span>
            </label>
            <input
              id="webhook-type"
              value={contentType}
              onInput={(event) => setContentType(event.currentTarget.value)}
            />
          </div>
        </div>
        <div class="field">
          <label for="webhook-description">
            Description <span class="hint">(optional)</span>
          </label>
          <input
            id="webhook-description"
            value={description}
            onInput={(event) => setDescription(event.currentTarget.value)}
          />
        </div>
        <button type="submit" disabled={create.busy || events.length === 0 || url.trim() === ""}>
          Create webhook
        </button>
      </form>
      <ProblemMessage problem={create.problem} title="Webhook not created" />
    </section>
  );
};
