// The settings table as the docs show it: README.md's "Configuration" table and docs/DEPLOY.md's
// secrets table and pass-through list, written between markers by `npm run docs:settings`
// (scripts/docs-settings.ts). settings.test.ts fails when a committed copy is out of date.
// Not imported by config.ts, so none of this reaches a function's bundle.
import { type Deployment, SETTINGS, type Setting } from "./settings";

const rows = (): [name: string, setting: Setting][] => Object.entries(SETTINGS);

const cell = (text: string): string => text.replaceAll("|", "\\|");

const table = (header: string[], body: string[][]): string =>
  [header, header.map(() => "---"), ...body].map((row) => `| ${row.map(cell).join(" | ")} |`).join("\n");

/** The default as the README shows it: the row's own words, else the parser's fallback. */
export const shownDefault = ([name, setting]: [string, Setting]): string => {
  const shown = setting.default ?? setting.parser.shown;
  if (shown === undefined) throw new Error(`${name}: give the row a \`default\` text`);
  return shown;
};

const deployment = (deploy: Deployment): string => {
  switch (deploy.kind) {
    case "secret":
      return `secret \`${deploy.name}\``;
    case "passed":
      return deploy.deployed === undefined
        ? "deploy environment"
        : `deploy environment, else \`${deploy.deployed}\``;
    case "local":
      return `local only (${deploy.why})`;
    case "wired":
      return `set by sst.config.ts (${deploy.to})`;
  }
};

/** README.md, "Configuration". */
export const readmeTable = (): string =>
  table(
    ["variable", "default", "in a deployment", "meaning"],
    rows().map((row) => [`\`${row[0]}\``, shownDefault(row), deployment(row[1].deploy), row[1].meaning]),
  );

const placeholderText = (placeholder: string | undefined): string => {
  if (placeholder === undefined) return "required";
  return placeholder === "" ? "empty" : `\`${placeholder}\``;
};

/** docs/DEPLOY.md, "Secrets": what `sst secret set` takes per stage. */
export const deploySecretsTable = (): string =>
  table(
    ["secret", "variable", "default", "meaning"],
    rows().flatMap(([name, { deploy, meaning }]) =>
      deploy.kind === "secret"
        ? [[`\`${deploy.name}\``, `\`${name}\``, placeholderText(deploy.placeholder), meaning]]
        : [],
    ),
  );

/** Words joined by ", ", wrapped at `width` columns. */
const wrapped = (words: string[], width = 100): string => {
  const lines: string[] = [];
  let line = "";
  for (const [index, word] of words.entries()) {
    const next = index < words.length - 1 ? `${word},` : word;
    if (line !== "" && line.length + 1 + next.length > width) {
      lines.push(line);
      line = next;
    } else line = line === "" ? next : `${line} ${next}`;
  }
  return [...lines, line].join("\n");
};

/** docs/DEPLOY.md: the non-secret settings taken from the environment of `sst deploy`. */
export const deployPassedList = (): string =>
  wrapped(
    rows().flatMap(([name, { deploy }]) => {
      if (deploy.kind !== "passed") return [];
      return [
        deploy.deployed === undefined ? `\`${name}\`` : `\`${name}\` (\`${deploy.deployed}\` unless set)`,
      ];
    }),
  );

export interface Generated {
  /** Repository-relative file. */
  file: string;
  /** Names the markers: `<!-- settings:<part> ... -->` and `<!-- /settings:<part> -->`. */
  part: string;
  content: () => string;
}

/** Every generated part of the docs. */
export const GENERATED: readonly Generated[] = [
  { file: "README.md", part: "table", content: readmeTable },
  { file: "docs/DEPLOY.md", part: "secrets", content: deploySecretsTable },
  { file: "docs/DEPLOY.md", part: "passed", content: deployPassedList },
];

const begin = (part: string) => `<!-- settings:${part} (written by npm run docs:settings) -->`;
const end = (part: string) => `<!-- /settings:${part} -->`;

const bounds = (document: string, part: string): [from: number, to: number] => {
  const from = document.indexOf(begin(part));
  const to = document.indexOf(end(part));
  if (from === -1 || to < from) throw new Error(`no ${begin(part)} ... ${end(part)} markers`);
  return [from + begin(part).length, to];
};

/** What the document holds between the part's markers now. */
export const partOf = (document: string, part: string): string => {
  const [from, to] = bounds(document, part);
  return document.slice(from, to).trim();
};

/** The document with the part between its markers replaced by `content`; throws without markers. */
export const withPart = (document: string, part: string, content: string): string => {
  const [from, to] = bounds(document, part);
  return `${document.slice(0, from)}\n\n${content}\n\n${document.slice(to)}`;
};
