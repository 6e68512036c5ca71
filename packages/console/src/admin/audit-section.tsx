import type { AuditEventView, AuditQuery, AuditVerifyReport } from "@artifact-store/client";
import { useState } from "preact/hooks";
import { href, navigate, type Route } from "../routing/hash-route";
import { useSignedIn } from "../session/context";
import { formatTime } from "../ui/format";
import { Loading, ProblemMessage } from "../ui/problem-message";
import { useAsync } from "../ui/use-async";
import { refusal } from "./refusal";
import { useAction } from "./use-action";

const TEXT_FILTERS = [
  { name: "actor", label: "Actor", hint: "e.g. user:alice, api-key:…" },
  { name: "action", label: "Action", hint: "e.g. createUpload, putGrant" },
  { name: "artifactId", label: "Artifact id", hint: "" },
] as const;
const TIME_FILTERS = [
  { name: "from", label: "From" },
  { name: "to", label: "To" },
] as const;
const FILTERS = ["actor", "action", "artifactId", "outcome", "from", "to"];

/** The URL's filters as the API takes them: times from the form's local time to ISO. */
const queryOf = (params: URLSearchParams): AuditQuery => {
  const query: Record<string, string> = {};
  for (const name of FILTERS) {
    const value = params.get(name)?.trim();
    if (!value) continue;
    const time = name === "from" || name === "to" ? new Date(value) : null;
    query[name] = time && !Number.isNaN(time.getTime()) ? time.toISOString() : value;
  }
  // As the URL says: the API checks it, and a bad outcome there is answered with its message.
  return query as AuditQuery;
};

/** The audit trail, filtered (the filters live in the URL, to share), and the check of its hash chain. */
export const AuditSection = ({ route }: { route: Route }) => {
  const { client } = useSignedIn();
  const filter = queryOf(route.params);
  const key = new URLSearchParams(filter as Record<string, string>).toString();
  const [more, setMore] = useState<{ key: string; events: AuditEventView[]; cursor: string | null }>({
    key: "",
    events: [],
    cursor: null,
  });
  const first = useAsync(() => client.queryAudit({ ...filter, limit: "50" }), [key]);
  const extra = more.key === key ? more : { key, events: [], cursor: null };
  const events = [...(first.value?.events ?? []), ...extra.events];
  const cursor = extra.events.length > 0 ? extra.cursor : (first.value?.nextCursor ?? null);
  const loadMore = useAction();
  const refused = refusal(first.problem);
  if (refused) return refused;

  return (
    <>
      <VerifyChain />
      <section aria-labelledby="audit-events-title">
        <h2 id="audit-events-title">Events</h2>
        <FilterForm key={key} params={route.params} filtered={key !== ""} />
        {first.loading ? <Loading what="the audit trail" /> : null}
        <ProblemMessage problem={first.problem} title="Could not read the audit trail" />
        {first.value && events.length === 0 ? (
          <p class="empty">{key ? "No events match these filters." : "No events yet."}</p>
        ) : null}
        {/* Rows of the last filters would pass for answers to the new ones. */}
        {events.length > 0 && !first.loading ? <AuditTable events={events} /> : null}
        {cursor ? (
          <button
            type="button"
            class="secondary load-more"
            disabled={loadMore.busy}
            onClick={() =>
              void loadMore.run(async () => {
                const page = await client.queryAudit({ ...filter, limit: "50", cursor });
                setMore({ key, events: [...extra.events, ...page.events], cursor: page.nextCursor });
              })
            }
          >
            {loadMore.busy ? "Loading…" : "Show older events"}
          </button>
        ) : null}
        <ProblemMessage problem={loadMore.problem} title="Could not load more" />
      </section>
    </>
  );
};

/** Edited here, applied on submit: the filters then go into the URL, which the list follows. */
const FilterForm = ({ params, filtered }: { params: URLSearchParams; filtered: boolean }) => {
  const [draft, setDraft] = useState(() =>
    Object.fromEntries(FILTERS.map((name) => [name, params.get(name) ?? ""])),
  );
  const field = (name: string) => ({
    id: `audit-${name}`,
    name,
    value: draft[name] ?? "",
    onInput: (event: { currentTarget: HTMLInputElement | HTMLSelectElement }) =>
      setDraft({ ...draft, [name]: event.currentTarget.value }),
  });
  return (
    <form
      class="filters"
      onSubmit={(event) => {
        event.preventDefault();
        const next = new URLSearchParams();
        for (const name of FILTERS) {
          const value = draft[name]?.trim();
          if (value) next.set(name, value);
        }
        navigate("/admin/audit", next);
      }}
    >
      {TEXT_FILTERS.map((each) => (
        <div class="field" key={each.name}>
          <label for={`audit-${each.name}`}>
            {each.label} {each.hint ? <span class="hint">({each.hint})</span> : null}
          </label>
          <input {...field(each.name)} />
        </div>
      ))}
      <div class="field">
        <label for="audit-outcome">Outcome</label>
        <select {...field("outcome")}>
          <option value="">any</option>
          <option value="allowed">allowed</option>
          <option value="denied">denied</option>
          <option value="failed">failed</option>
        </select>
      </div>
      {TIME_FILTERS.map((each) => (
        <div class="field" key={each.name}>
          <label for={`audit-${each.name}`}>{each.label}</label>
          <input type="datetime-local" {...field(each.name)} />
        </div>
      ))}
      <div class="row filter-actions">
        <button type="submit">Filter</button>
        {filtered ? (
          <a class="button secondary" href={href("/admin/audit")}>
            Clear filters
          </a>
        ) : null}
      </div>
    </form>
  );
};

const AuditTable = ({ events }: { events: AuditEventView[] }) => (
  <div class="table-scroll">
    <table class="stacked audit-events">
      <caption class="visually-hidden">Audit events, newest first</caption>
      <thead>
        <tr>
          <th scope="col">#</th>
          <th scope="col">Time</th>
          <th scope="col">Actor</th>
          <th scope="col">Action</th>
          <th scope="col">Outcome</th>
          <th scope="col">On</th>
          <th scope="col">Request</th>
        </tr>
      </thead>
      <tbody>
        {events.map((event) => (
          <tr key={event.seq} data-action={event.action}>
            <td data-label="#">{event.seq}</td>
            <td data-label="Time">{formatTime(event.at)}</td>
            <td data-label="Actor" class="wrap-anywhere">
              {event.actor}
            </td>
            <td data-label="Action">{event.action}</td>
            <td data-label="Outcome">
              <span class={`badge outcome-${event.outcome}`}>{event.outcome}</span>{" "}
              <span class="hint">{event.status}</span>
              {event.reason ? <div class="hint">{event.reason}</div> : null}
            </td>
            <td data-label="On" class="wrap-anywhere">
              {event.artifactId ? (
                <a href={href(`/artifacts/${encodeURIComponent(event.artifactId)}`)}>{event.artifactId}</a>
              ) : (
                (event.target ?? event.uploadId ?? "—")
              )}
            </td>
            <td data-label="Request" class="hint wrap-anywhere">
              {event.requestId}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  </div>
);

/** Re-computes the hash chain on the server: intact, or where it breaks. */
const VerifyChain = () => {
  const { client } = useSignedIn();
  const check = useAction();
  const [report, setReport] = useState<AuditVerifyReport | null>(null);
  return (
    <section aria-labelledby="audit-verify-title">
      <h2 id="audit-verify-title">Integrity of the trail</h2>
      <p class="hint">
        Each event holds the hash of the one before it; a changed or missing event breaks the chain.
      </p>
      <div class="row">
        <button
          type="button"
          disabled={check.busy}
          onClick={() =>
            void check.run(async () => {
              setReport(null);
              setReport(await client.verifyAudit());
            })
          }
        >
          {check.busy ? "Verifying…" : "Verify the chain"}
        </button>
        {report?.ok ? (
          <p class="ok verify-result" role="status">
            Intact: {report.checked} events checked, up to #{report.lastSeq}.
          </p>
        ) : null}
      </div>
      {report && !report.ok ? (
        <div class="problem verify-result" role="alert">
          <strong>Broken</strong>
          <p>
            {report.firstBreak
              ? `The chain breaks at event #${report.firstBreak.seq}: ${report.firstBreak.reason}.`
              : "The chain does not verify."}{" "}
            {report.checked} events checked.
          </p>
        </div>
      ) : null}
      <ProblemMessage problem={check.problem} title="Could not verify" />
    </section>
  );
};
