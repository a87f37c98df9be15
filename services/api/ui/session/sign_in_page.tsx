/** The sign-in form: one form, two buttons ("Sign in", "Create account"). */
import { InputField } from "../form_field.tsx";
import { CsrfField, Layout } from "../layout.tsx";

/** Props of {@linkcode SignInPage}. */
export interface SignInPageProps {
  csrf: string;
  email?: string;
  /** Where to go after signing in (a local path). */
  next?: string;
  /** Problem to show above the form. */
  error?: string;
  /** Problems by field ("email", "password"). */
  fields?: Partial<Record<"email" | "password", string>>;
}

/** The sign-in page. */
export function SignInPage(props: SignInPageProps) {
  const fields = props.fields ?? {};
  return (
    <Layout title="Sign in" path="/sign-in" csrf={props.csrf}>
      <section class="card narrow">
        <h1>Sign in to Tickwire</h1>
        {props.error && <p class="alert" role="alert">{props.error}</p>}
        <form method="post" action="/sign-in" class="stack">
          <CsrfField csrf={props.csrf} />
          {props.next && <input type="hidden" name="next" value={props.next} />}
          <InputField
            label="Email"
            name="email"
            errors={fields}
            type="email"
            autocomplete="username"
            required
            value={props.email ?? ""}
          />
          <InputField
            label="Password"
            name="password"
            errors={fields}
            hint="At least 8 characters."
            type="password"
            autocomplete="current-password"
            required
            minlength={8}
          />
          <div class="actions">
            <button type="submit">Sign in</button>
            <button type="submit" class="secondary" formaction="/register">Create account</button>
          </div>
        </form>
      </section>
    </Layout>
  );
}
