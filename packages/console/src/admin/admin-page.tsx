import { href } from "../routing/hash-route";

export const AdminPage = ({ section }: { section: string }) => (
  <main id="main">
    <h1>Administration</h1>
    <p>
      <a href={href("/")}>{section}</a>
    </p>
  </main>
);
