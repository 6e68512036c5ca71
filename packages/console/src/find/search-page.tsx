import type { ArtifactView } from "@artifact-store/client";
import { useEffect, useRef, useState } from "preact/hooks";
import { href, navigate, type Route } from "../routing/hash-route";
import { useSignedIn } from "../session/context";
import { formatBytes, formatTime } from "../ui/format";
import { type Problem, problemOf } from "../ui/problem";
import { Loading, ProblemMessage } from "../ui/problem-message";
import { StateBadge } from "../ui/state-badge";
import { CONTENT_FAMILIES, formOf, paramsOf, queryOf, type SearchForm } from "./search-query";

const PAGE_SIZE = 25;

interface Results {
  artifacts: ArtifactView[];
  nextCursor: string | null;
  total: number | null;
}

export const SearchPage = ({ route }: { route: Route }) => {
  const { client } = useSignedIn();
  const urlQuery = route.params.toString();
  const [form, setForm] = useState<SearchForm>(() => formOf(route.params));
  const [results, setResults] = useState<Results | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const sentinel = useRef<HTMLDivElement>(null);

  const parsed = queryOf(formOf(route.params));

  // The URL's query is what a search depends on.
  useEffect(() => {
    setForm(formOf(route.params));
    setResults(null);
    setProblem(null);
    if ("invalid" in parsed) return setProblem({ message: parsed.invalid });
    let current = true;
    client.search({ ...parsed.query, limit: PAGE_SIZE, count: true }).then(
      (page) => current && setResults({ ...page, total: page.total ?? null }),
      (error: unknown) => current && setProblem(problemOf(error)),
    );
    return () => {
      current = false;
    };
  }, [urlQuery]);

  const loadMore = async () => {
    if (!results?.nextCursor || loadingMore || "invalid" in parsed) return;
    setLoadingMore(true);
    try {
      const page = await client.search({ ...parsed.query, limit: PAGE_SIZE, cursor: results.nextCursor });
      setResults({
        ...results,
        artifacts: [...results.artifacts, ...page.artifacts],
        nextCursor: page.nextCursor,
      });
    } catch (error) {
      setProblem(problemOf(error));
    } finally {
      setLoadingMore(false);
    }
  };

  // Infinite scroll: the next page loads as the end of the list comes into view.
  useEffect(() => {
    const element = sentinel.current;
    if (!element || !results?.nextCursor) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) void loadMore();
    });
    observer.observe(element);
    return () => observer.disconnect();
  });

  const field = (name: keyof SearchForm) => ({
    id: `search-${name}`,
    name,
    value: form[name],
    onInput: (event: Event) => setForm({ ...form, [name]: (event.currentTarget as HTMLInputElement).value }),
  });
  const search = (next: SearchForm) => navigate("/", paramsOf(next));

  return (
    <main id="main">
      <h1>Find artifacts</h1>
      <form
        class="search"
        onSubmit={(event) => {
          event.preventDefault();
          search(form);
        }}
      >
        <div class="search-line">
          <label for="search-q" class="visually-hidden">
            Search text
          </label>
          <input
            {...field("q")}
            type="search"
            placeholder='Filename, source URL or title: "exact phrase" -excluded'
          />
          <button type="submit">Search</button>
        </div>
        <fieldset class="quick-filters">
          <legend>Type</legend>
          {CONTENT_FAMILIES.map((family) => (
            <button
              type="button"
              key={family.contentType}
              class="chip"
              aria-pressed={form.contentType === family.contentType}
              onClick={() =>
                search({
                  ...form,
                  contentType: form.contentType === family.contentType ? "" : family.contentType,
                })
              }
            >
              {family.label}
            </button>
          ))}
        </fieldset>
        <details open={hasAdvanced(form)}>
          <summary>More filters</summary>
          <div class="grid">
            <Field label="Tags (all of)" hint="comma-separated">
              <input {...field("tags")} />
            </Field>
            <Field label="Tags (any of)">
              <input {...field("tagsAny")} />
            </Field>
            <Field label="Tags (none of)">
              <input {...field("tagsNone")} />
            </Field>
            <Field label="Content type" hint="image/png, or image/* for a family">
              <input {...field("contentType")} />
            </Field>
            <Field label="Source host">
              <input {...field("sourceHost")} placeholder="example.com" />
            </Field>
            <Field label="Job id">
              <input {...field("jobId")} />
            </Field>
            <Field label="Run id">
              <input {...field("runId")} />
            </Field>
            <Field label="Visibility">
              <select {...field("visibility")}>
                <option value="">Any</option>
                <option value="private">Private</option>
                <option value="public">Public</option>
              </select>
            </Field>
            <Field label="Created from">
              <input {...field("createdFrom")} type="date" />
            </Field>
            <Field label="Created until">
              <input {...field("createdTo")} type="date" />
            </Field>
            <Field label="Size at least" hint="e.g. 500 KiB">
              <input {...field("minSize")} />
            </Field>
            <Field label="Size at most" hint="e.g. 10 MiB">
              <input {...field("maxSize")} />
            </Field>
            <Field label="Metadata contains" hint='JSON, e.g. {"lang": "en"}'>
              <input {...field("metadata")} />
            </Field>
            <Field label="Sort by">
              <select {...field("sort")}>
                <option value="">Newest first</option>
                <option value="createdAt">Created</option>
                <option value="filename">Filename</option>
                <option value="size">Size</option>
              </select>
            </Field>
            <Field label="Order">
              <select {...field("order")}>
                <option value="">Default</option>
                <option value="asc">Ascending</option>
                <option value="desc">Descending</option>
              </select>
            </Field>
          </div>
          <div class="row">
            <button type="submit">Apply filters</button>
            <a class="button secondary" href={href("/")}>
              Clear all
            </a>
          </div>
        </details>
      </form>

      <ProblemMessage problem={problem} title="The search failed" />
      {!results && !problem ? <Loading what="artifacts" /> : null}
      {results ? (
        <section aria-labelledby="results-title">
          <h2 id="results-title" class="results-count" aria-live="polite">
            {results.total === null
              ? `${results.artifacts.length} shown`
              : `${results.total} ${results.total === 1 ? "artifact" : "artifacts"}`}
          </h2>
          {results.artifacts.length === 0 ? (
            <p class="empty">
              Nothing matches. Try fewer filters, or <a href={href("/upload")}>upload something</a>.
            </p>
          ) : (
            <ul class="results">
              {results.artifacts.map((artifact) => (
                <ResultRow key={artifact.id} artifact={artifact} />
              ))}
            </ul>
          )}
          {results.nextCursor ? (
            <div ref={sentinel} class="more">
              <button type="button" onClick={() => void loadMore()} disabled={loadingMore}>
                {loadingMore ? "Loading…" : "Show more"}
              </button>
            </div>
          ) : null}
        </section>
      ) : null}
    </main>
  );
};

const hasAdvanced = (form: SearchForm) =>
  Object.entries(form).some(([name, value]) => name !== "q" && value !== "");

const Field = ({ label, hint, children }: { label: string; hint?: string; children: preact.VNode }) => {
  const id = (children.props as { id?: string }).id;
  return (
    <div class="field">
      <label for={id}>
        {label}
        {hint ? <span class="hint"> ({hint})</span> : null}
      </label>
      {children}
    </div>
  );
};

const ResultRow = ({ artifact }: { artifact: ArtifactView }) => (
  <li class="result">
    <a href={href(`/artifacts/${artifact.id}`)} class="result-name">
      {artifact.filename}
    </a>
    <span class="result-facts">
      <span>{artifact.contentType}</span>
      <span>{formatBytes(artifact.size)}</span>
      <span>{formatTime(artifact.createdAt)}</span>
      <span>{artifact.ownerId}</span>
      <StateBadge state={artifact.state} />
      {artifact.visibility === "public" ? <span class="badge">public</span> : null}
    </span>
    {artifact.tags.length > 0 ? (
      <span class="tags">
        {artifact.tags.map((tag) => (
          <a
            key={tag}
            class="tag"
            href={href("/", new URLSearchParams({ tags: tag }))}
            aria-label={`Artifacts tagged ${tag}`}
          >
            {tag}
          </a>
        ))}
      </span>
    ) : null}
  </li>
);
