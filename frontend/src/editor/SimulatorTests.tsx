// The simulator's Tests tab: saved tests, running them, branch coverage on the canvas,
// generating tests from the flow's paths, and whether failing tests stop publishing.
import { useCallback, useEffect, useState } from "react";
import type { Coverage, Edge, Report, SimulatorApi, TestCase, TestResult } from "./SimulatorApi";

interface Props {
  api: SimulatorApi;
  canEdit: boolean;
  stepName: (id: string | null) => string;
  showStep: (id: string) => void;
  onCoverage: (untaken: Edge[] | null) => void;
  onReplay: (test: TestCase) => void;
  /** Bumped when a test was saved elsewhere (the simulator tab). */
  changed: number;
}

function branchWords(edge: Edge): string {
  if (edge.key === "next") return "next";
  if (edge.key === "success" || edge.key === "fail") return `on ${edge.key}`;
  return edge.key === "*" ? "any other key" : `key ${edge.key}`;
}

export function SimulatorTests({ api, canEdit, stepName, showStep, onCoverage, onReplay, changed }: Props) {
  const [tests, setTests] = useState<TestCase[] | null>(null);
  const [report, setReport] = useState<Report | null>(null);
  const [coverage, setCoverage] = useState<Coverage | null>(null);
  const [showCoverage, setShowCoverage] = useState(false);
  const [block, setBlock] = useState<boolean | null>(null);
  const [busy, setBusy] = useState("");
  const [notice, setNotice] = useState("");
  const [error, setError] = useState("");
  const [renaming, setRenaming] = useState<{ id: number; name: string } | null>(null);
  const [confirmDelete, setConfirmDelete] = useState<number | null>(null);

  const attempt = useCallback(async (what: string, work: () => Promise<void>) => {
    setBusy(what);
    setError("");
    try {
      await work();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy("");
    }
  }, []);

  const load = useCallback(() => attempt("load", async () => setTests(await api.tests())), [api, attempt]);
  useEffect(() => {
    void load();
    api.settings().then((s) => setBlock(s.scenario_failures_block_publish), () => setBlock(null));
  }, [api, load, changed]);

  const refreshCoverage = useCallback(async (show: boolean) => {
    if (!show) {
      setCoverage(null);
      onCoverage(null);
      return;
    }
    const found = await api.coverage();
    setCoverage(found);
    onCoverage(found.untaken);
  }, [api, onCoverage]);
  useEffect(() => () => onCoverage(null), [onCoverage]);

  const runAll = () =>
    attempt("run", async () => {
      setReport(await api.run());
      if (coverage) await refreshCoverage(true);
    });

  const generate = () =>
    attempt("generate", async () => {
      const made = await api.generate();
      const n = made.created.length;
      setNotice(
        n
          ? `Made ${n} test${n === 1 ? "" : "s"} from the flow's paths${made.truncated ? " (stopped at the limit)" : ""}. Look them over and give them names.`
          : "Every path from the start already has a test.",
      );
      setTests(await api.tests());
      setReport(null);
      if (coverage) await refreshCoverage(true);
    });

  const rename = (id: number, name: string) =>
    attempt("rename", async () => {
      const saved = await api.changeTest(id, { name: name.trim() || "Test", generated: false });
      setTests((list) => list && list.map((t) => (t.id === id ? saved : t)));
      setRenaming(null);
    });

  const keep = (test: TestCase) =>
    attempt("keep", async () => {
      const saved = await api.changeTest(test.id, { generated: false });
      setTests((list) => list && list.map((t) => (t.id === test.id ? saved : t)));
    });

  const remove = (id: number) =>
    attempt("delete", async () => {
      await api.deleteTest(id);
      setTests((list) => list && list.filter((t) => t.id !== id));
      setConfirmDelete(null);
      if (coverage) await refreshCoverage(true);
    });

  const changeBlock = (value: boolean) =>
    attempt("settings", async () => setBlock((await api.changeSettings(value)).scenario_failures_block_publish));

  const results = new Map<number, TestResult>((report?.results ?? []).map((r) => [r.id, r]));
  return (
    <div className="fs-sim-body" data-testid="tests-panel">
      <div className="fs-sim-actions flex-wrap">
        <button type="button" className="btn btn-sm btn-primary" onClick={() => void runAll()} disabled={!!busy || !tests?.length} data-testid="tests-run">
          {busy === "run" ? "Running…" : "Run all tests"}
        </button>
        {canEdit && (
          <button type="button" className="btn btn-sm btn-light" onClick={() => void generate()} disabled={!!busy} title="One test per distinct path from the start" data-testid="tests-generate">
            {busy === "generate" ? "Generating…" : "Generate tests"}
          </button>
        )}
        <label className="form-check form-switch small mb-0 ms-auto" title="Show the branches no test takes as dashed red lines">
          <input className="form-check-input" type="checkbox" checked={showCoverage} data-testid="coverage-toggle"
            onChange={(e) => {
              const show = e.target.checked;
              setShowCoverage(show);
              void attempt("coverage", () => refreshCoverage(show));
            }} /> Coverage
        </label>
      </div>
      <p className="fs-sim-hint mb-2">Tests run on the saved flow. Save a run from the Simulator tab, or generate tests from every path.</p>
      {error && <div className="alert alert-danger py-1 px-2 small">{error}</div>}
      {notice && <div className="alert alert-info py-1 px-2 small">{notice}</div>}
      {report && (
        <div className={`fs-sim-report ${report.failed ? "is-failed" : "is-passed"}`} data-testid="tests-report">
          {report.failed
            ? `${report.failed} of ${report.total} tests fail.`
            : report.total === 1 ? "The test passes." : `All ${report.total} tests pass.`}
          {report.failed > 0 && (report.blocks_publish ? " Publishing is stopped until they pass." : " Publishing will warn about it.")}
        </div>
      )}

      {coverage && (
        <div className="fs-sim-section" data-testid="coverage">
          <div className="fs-panel-title">Coverage</div>
          <div className="small mb-1">
            {coverage.taken} of {coverage.total} branches are taken by a test.
            {coverage.untaken.length === 0 && " Every branch is tested."}
          </div>
          <ul className="list-unstyled fs-sim-untaken">
            {coverage.untaken.map((edge) => (
              <li key={`${edge.step}:${edge.key}`}>
                <button type="button" className="btn btn-link btn-sm p-0 text-start" onClick={() => showStep(edge.step)}>
                  {stepName(edge.step)}, {branchWords(edge)} → {edge.to === null ? "the call ends" : stepName(edge.to)}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}

      <div className="fs-sim-section">
        <div className="fs-panel-title">Tests {tests ? `(${tests.length})` : ""}</div>
        {tests?.length === 0 && <div className="small text-muted">No tests yet.</div>}
        <ul className="list-unstyled fs-sim-tests">
          {tests?.map((test) => {
            const result = results.get(test.id);
            return (
              <li key={test.id} className="fs-sim-test" data-testid="test-row" data-passed={result ? String(result.passed) : ""}>
                <div className="d-flex align-items-center gap-1">
                  {result && <span className={`badge ${result.passed ? "text-bg-success" : "text-bg-danger"}`}>{result.passed ? "pass" : "fail"}</span>}
                  {test.generated && <span className="badge text-bg-warning" title="Generated: look it over and name it">new</span>}
                  {renaming?.id === test.id ? (
                    <form className="d-flex flex-fill gap-1" onSubmit={(e) => { e.preventDefault(); void rename(test.id, renaming.name); }}>
                      <input className="form-control form-control-sm" autoFocus value={renaming.name} maxLength={200} aria-label="Test name"
                        onChange={(e) => setRenaming({ id: test.id, name: e.target.value })} />
                      <button type="submit" className="btn btn-sm btn-primary">OK</button>
                    </form>
                  ) : (
                    <span className="fs-sim-test-name" title={test.name}>{test.name}</span>
                  )}
                </div>
                {result?.difference && <div className="fs-sim-difference">{result.difference}</div>}
                <div className="fs-sim-test-actions">
                  <button type="button" className="btn btn-link btn-sm p-0" onClick={() => onReplay(test)}>Replay</button>
                  {canEdit && renaming?.id !== test.id && (
                    <button type="button" className="btn btn-link btn-sm p-0" onClick={() => setRenaming({ id: test.id, name: test.name })}>Rename</button>
                  )}
                  {canEdit && test.generated && (
                    <button type="button" className="btn btn-link btn-sm p-0" onClick={() => void keep(test)}>Keep</button>
                  )}
                  {canEdit && (confirmDelete === test.id ? (
                    <button type="button" className="btn btn-link btn-sm p-0 text-danger" onClick={() => void remove(test.id)}>Really delete</button>
                  ) : (
                    <button type="button" className="btn btn-link btn-sm p-0 text-secondary" onClick={() => setConfirmDelete(test.id)}>Delete</button>
                  ))}
                </div>
              </li>
            );
          })}
        </ul>
      </div>

      {block !== null && (
        <label className="form-check small mt-2" title="Otherwise publishing only warns">
          <input className="form-check-input" type="checkbox" checked={block} disabled={!canEdit || !!busy} onChange={(e) => void changeBlock(e.target.checked)} />
          Failing tests stop publishing
        </label>
      )}
    </div>
  );
}
