import { href } from "../routing/hash-route";

/** Not built yet: says where the same operations are today, rather than showing an empty page. */
export const AdminPage = (_props: { section: string }) => (
  <main id="main">
    <h1>Administration</h1>
    <p>
      The admin pages (webhooks and deliveries, the audit trail, integrity reports, backups, API keys) are not
      in the console yet. The same operations are in the CLI (<code>npm run cli -- --help</code>) and the HTTP
      API (<code>/openapi.json</code>).
    </p>
    <p>
      <a href={href("/")}>Back to the search</a>
    </p>
  </main>
);
