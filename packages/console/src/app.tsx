import { useMemo, useState } from "preact/hooks";
import { SearchPage } from "./find/search-page";
import { ArtifactPage } from "./look/artifact-page";
import { href, type Route, useRoute } from "./routing/hash-route";
import { SignedInContext } from "./session/context";
import { clearSession, clientFor, isAdmin, loadSession, type Session, saveSession } from "./session/session";
import { SignInPage } from "./session/sign-in-page";
import { lazyPage } from "./ui/lazy-page";
import { UploadPage } from "./upload/upload-page";

// Few open the admin pages: their code loads when one is opened, not with the console.
const AdminPage = lazyPage(
  () => import("./admin/admin-page").then((module) => module.AdminPage),
  "the admin pages",
);

const ARTIFACT_PATH = /^\/artifacts\/([^/]+)$/;

const Page = ({ route }: { route: Route }) => {
  const artifact = ARTIFACT_PATH.exec(route.path);
  if (artifact?.[1]) {
    const id = decodeURIComponent(artifact[1]);
    // Keyed: another artifact is a fresh page, with none of the last one's state.
    return <ArtifactPage key={id} id={id} />;
  }
  if (route.path === "/upload") return <UploadPage />;
  // Anyone may open these; the API answers a non-admin with its refusal, which the page shows.
  if (route.path.startsWith("/admin")) return <AdminPage route={route} />;
  if (route.path === "/") return <SearchPage route={route} />;
  return (
    <main id="main">
      <h1>No such page</h1>
      <p>
        <a href={href("/")}>Go to the search</a>
      </p>
    </main>
  );
};

export const App = () => {
  const [session, setSession] = useState<Session | null>(loadSession);
  const route = useRoute();
  const signedIn = useMemo(
    () =>
      session
        ? {
            session,
            client: clientFor(session.credential),
            signOut: () => {
              clearSession();
              setSession(null);
            },
          }
        : null,
    [session],
  );

  if (!signedIn) {
    return (
      <SignInPage
        onSignedIn={(next) => {
          saveSession(next);
          setSession(next);
        }}
      />
    );
  }
  const current = (path: string) =>
    (path === "/" ? route.path === "/" : route.path.startsWith(path)) ? "page" : undefined;
  return (
    <SignedInContext.Provider value={signedIn}>
      <button
        type="button"
        class="skip-link"
        onClick={(event) => {
          // The fragment is the router's: move focus without changing it.
          event.preventDefault();
          const main = document.getElementById("main");
          main?.setAttribute("tabindex", "-1");
          main?.focus();
        }}
      >
        Skip to content
      </button>
      <header class="top">
        <a class="brand" href={href("/")}>
          Artifact store
        </a>
        <nav aria-label="Main">
          <a href={href("/")} aria-current={current("/")}>
            Find
          </a>
          <a href={href("/upload")} aria-current={current("/upload")}>
            Upload
          </a>
          {isAdmin(signedIn.session) ? (
            <a href={href("/admin/audit")} aria-current={current("/admin")}>
              Admin
            </a>
          ) : null}
        </nav>
        <div class="who">
          <span
            title={
              signedIn.session.kind === "api-key" ? "Signed in with an API key" : "Signed in with a token"
            }
          >
            {signedIn.session.user}
          </span>
          <button type="button" class="secondary" onClick={signedIn.signOut}>
            Sign out
          </button>
        </div>
      </header>
      <Page route={route} />
    </SignedInContext.Provider>
  );
};
