/** Text to write as it is, or a value still to be written. */
type Pending = { text: string } | { value: unknown };

/**
 * JSON with object keys sorted at every level and no whitespace: the same value always gives the
 * same text, whichever order its keys were written or parsed in. Hashes are taken over this.
 * Iterative, with a stack of its own: sidecars are read back from the bucket, where anyone with
 * write access could leave one nested deeper than the call stack goes.
 */
export const canonicalJson = (root: unknown): string => {
  const out: string[] = [];
  const pending: Pending[] = [{ value: root }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if ("text" in next) {
      out.push(next.text);
      continue;
    }
    const { value } = next;
    if (value === null || typeof value !== "object") {
      out.push(JSON.stringify(value) ?? "null");
      continue;
    }
    // Children go on the stack last first, so they come off in order.
    const children: Pending[] = [];
    if (Array.isArray(value)) {
      out.push("[");
      value.forEach((child, index) => {
        if (index > 0) children.push({ text: "," });
        children.push({ value: child });
      });
      children.push({ text: "]" });
    } else {
      out.push("{");
      Object.entries(value as Record<string, unknown>)
        .filter(([, child]) => child !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .forEach(([key, child], index) => {
          children.push({ text: `${index > 0 ? "," : ""}${JSON.stringify(key)}:` }, { value: child });
        });
      children.push({ text: "}" });
    }
    for (let index = children.length - 1; index >= 0; index -= 1) pending.push(children[index] as Pending);
  }
  return out.join("");
};
