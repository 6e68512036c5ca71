import { useState } from "preact/hooks";

/** A secret the API hands out once (an API key, a signing secret): shown now, with a way to copy it. */
export const ShownOnce = ({ title, value, what }: { title: string; value: string; what: string }) => {
  const [copied, setCopied] = useState(false);
  return (
    <div class="shown-once" role="status">
      <h3>{title}: copy it now, it is not shown again</h3>
      <p>{what}</p>
      <div class="row">
        <code class="secret wrap-anywhere">{value}</code>
        <button
          type="button"
          class="secondary"
          onClick={() =>
            void navigator.clipboard.writeText(value).then(
              () => setCopied(true),
              () => setCopied(false),
            )
          }
        >
          {copied ? "Copied" : "Copy"}
        </button>
      </div>
    </div>
  );
};
