/**
 * zod, with `.openapi()` on every schema. Shared modules take `z` from here, not from "zod".
 *
 * zod 4 copies its prototype's methods onto a schema when the schema is built, so the OpenAPI
 * extension has to be in place before any shared schema exists. Left to the API's first import
 * of @hono/zod-openapi, it depended on import order: a process that loaded a shared schema first
 * (a test importing a fixture before the test API) got schemas without `.openapi()`. The
 * extension only adds methods; services that never document anything load one small module more.
 */
import { extendZodWithOpenApi } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";

extendZodWithOpenApi(z);

export { z };
