/**
 * Opaque keyset cursors for newest-first lists: the last row's sort timestamp (as Postgres
 * printed it, so no precision is lost) and id, base64url-encoded.
 */
import { ApiError } from "./api_error.ts";

/** A decoded cursor: resume after the row with this timestamp and id. */
export interface PageCursor {
  at: string;
  id: string;
}

/** Encodes the position after `row`. */
export function encodeCursor(row: PageCursor): string {
  return btoa(JSON.stringify([row.at, row.id])).replaceAll("+", "-").replaceAll("/", "_")
    .replaceAll("=", "");
}

const isUuid = (id: string) => /^[0-9a-f-]{36}$/i.test(id);

/**
 * Decodes a cursor from a query string; null when it is not one of ours. `isId` checks the id
 * part; default: a uuid.
 */
export function decodeCursor(cursor: string, isId = isUuid): PageCursor | null {
  try {
    const json = atob(cursor.replaceAll("-", "+").replaceAll("_", "/"));
    const value: unknown = JSON.parse(json);
    if (
      Array.isArray(value) && value.length === 2 && typeof value[0] === "string" &&
      !Number.isNaN(Date.parse(value[0])) && typeof value[1] === "string" && isId(value[1])
    ) return { at: value[0], id: value[1] };
  } catch {
    // not base64 or not JSON: not ours
  }
  return null;
}

/** The `cursor` query parameter decoded; a cursor we did not issue answers 400. */
export function cursorParam(cursor: string | undefined, isId = isUuid): PageCursor | null {
  if (cursor === undefined) return null;
  const decoded = decodeCursor(cursor, isId);
  if (!decoded) {
    throw new ApiError(400, "Invalid query parameters", [
      { path: "cursor", message: "is not a cursor this API returned" },
    ]);
  }
  return decoded;
}

/** A page of rows: `next_cursor` is set when the page is full (there may be more). */
export function pageOf<R extends { id: string; sort_key: string }, T>(
  rows: readonly R[],
  limit: number,
  view: (row: R) => T,
): { items: T[]; next_cursor: string | null } {
  const last = rows.at(-1);
  return {
    items: rows.map(view),
    next_cursor: last && rows.length === limit
      ? encodeCursor({ at: last.sort_key, id: last.id })
      : null,
  };
}
