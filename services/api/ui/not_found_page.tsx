/** The page for an id that does not exist or belongs to someone else (never says which). */
import { Layout } from "./layout.tsx";

/** "Not found", inside the signed-in layout. */
export function NotFoundPage(props: { what: string; csrf: string; email: string; path: string }) {
  return (
    <Layout title="Not found" path={props.path} csrf={props.csrf} email={props.email}>
      <section class="card">
        <h1>Not found</h1>
        <p>{props.what} was not found. It may have been deleted, or it is not yours.</p>
        <p>
          <a href="/pipelines">Back to pipelines</a>
        </p>
      </section>
    </Layout>
  );
}
