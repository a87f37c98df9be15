/** What one chaos trial measured, and the report of a whole run. */

/** One trial's counts; `pass` requires nothing lost, doubled or stuck and no 5xx. */
export interface TrialResult {
  trial: string;
  /** What was done, in a few words (e.g. "3 SIGKILLs of the worker mid-step"). */
  fault: string;
  expected: number;
  lost: number;
  doubled: number;
  stuck: number;
  http5xx: number;
  /** Seconds from the end of the fault to everything expected being done; null if never. */
  recoverSeconds: number | null;
  pass: boolean;
  notes?: string;
}

/** A result with `pass` computed from the counts. */
export function trialResult(r: Omit<TrialResult, "pass">): TrialResult {
  const pass = r.lost === 0 && r.doubled === 0 && r.stuck === 0 && r.http5xx === 0 &&
    r.recoverSeconds !== null;
  return { ...r, pass };
}

/** The markdown table of a run. */
export function chaosTable(results: readonly TrialResult[]): string {
  const rows = results.map((r) =>
    `| ${r.trial} | ${r.fault} | ${r.expected} | ${r.lost} | ${r.doubled} | ${r.stuck} | ${r.http5xx} | ${
      r.recoverSeconds === null ? "never" : r.recoverSeconds.toFixed(1)
    } | ${r.pass ? "pass" : "FAIL"} |`
  );
  return [
    "| trial | fault | expected | lost | doubled | stuck | 5xx | recover (s) | result |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ...rows,
  ].join("\n");
}
