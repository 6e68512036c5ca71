import type { ComponentType } from "preact";
import { href, type Route } from "../routing/hash-route";
import { ApiKeysSection } from "./api-keys-section";
import { AuditSection } from "./audit-section";
import { BackupsSection } from "./backups-section";
import { IntegritySection } from "./integrity-section";
import { WebhooksSection } from "./webhooks-section";

interface Section {
  path: string;
  title: string;
  Body: ComponentType<{ route: Route }>;
}

const SECTIONS: Section[] = [
  { path: "audit", title: "Audit trail", Body: AuditSection },
  { path: "webhooks", title: "Webhooks", Body: WebhooksSection },
  { path: "integrity", title: "Integrity", Body: IntegritySection },
  { path: "backups", title: "Backups", Body: BackupsSection },
  { path: "api-keys", title: "API keys", Body: ApiKeysSection },
];

/**
 * The operators' pages. Whether the caller may use them is the API's to say: each section shows
 * the API's answer, a refusal included, so nothing here trusts the roles the token claims.
 */
export const AdminPage = ({ route }: { route: Route }) => {
  const name = route.path.slice("/admin/".length) || "audit";
  const section = SECTIONS.find((each) => each.path === name);
  return (
    <main id="main" class="admin">
      <h1>Administration{section ? `: ${section.title}` : ""}</h1>
      <nav aria-label="Administration" class="tabs">
        {SECTIONS.map((each) => (
          <a
            key={each.path}
            class="tab"
            href={href(`/admin/${each.path}`)}
            aria-current={each === section ? "page" : undefined}
          >
            {each.title}
          </a>
        ))}
      </nav>
      {section ? (
        <section.Body key={section.path} route={route} />
      ) : (
        <p class="empty">There is no admin page called “{name}”.</p>
      )}
    </main>
  );
};

export default AdminPage;
