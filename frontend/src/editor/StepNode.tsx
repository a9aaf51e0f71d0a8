// One step on the canvas. Memoised: it re-renders only when its own data changes.
// Everything shown here is user text rendered by React as text, never as HTML.
import { Handle, Position, type NodeProps } from "@xyflow/react";
import { memo, useContext } from "react";
import { blockFor, summaryOf } from "./blocks";
import { CountsContext } from "./counts";
import type { StepNodeType } from "./graph";

function StepNodeView({ id, data, selected }: NodeProps<StepNodeType>) {
  const { step, label, outputs, isStart, problems } = data;
  const block = blockFor(step);
  const summary = summaryOf(step);
  const errors = problems.filter((p) => p.severity === "error").length;
  const warnings = problems.length - errors;
  const codes = [...new Set(problems.map((p) => p.code))].join(" ");
  const state = errors ? "error" : warnings ? "warning" : "ok";
  const firstProblem = problems[0]?.message;
  const counts = useContext(CountsContext);
  const reached = counts?.steps[id];
  const taken = counts?.branches[id];
  return (
    <div
      className={`fs-node fs-node--${block ? step.type : "unknown"} fs-node--${state}${selected ? " is-selected" : ""}`}
      data-step-id={id}
      data-diagnostic-codes={codes}
      data-testid="step-node"
    >
      <Handle type="target" position={Position.Top} className="fs-handle fs-handle--in" />
      {isStart && (
        <div className="fs-node-start" title="The call starts here">
          ▶ Start
        </div>
      )}
      <div className="fs-node-head">
        <span className="fs-node-icon" aria-hidden="true">
          {block?.icon ?? "?"}
        </span>
        <span className="fs-node-title">{label || block?.title || "Unknown block"}</span>
        <span className="fs-node-id" title="Step id">
          {id}
        </span>
      </div>
      <div className={`fs-node-body${summary.empty ? " is-empty" : ""}`}>
        {label && block && <div className="fs-node-kind">{block.title}</div>}
        {summary.lines.filter(Boolean).map((line, i) => (
          <div key={i} className="fs-node-line">
            {line}
          </div>
        ))}
      </div>
      {counts && (
        <div className="fs-node-counts" data-testid="step-counts" title="Calls of the published version">
          <span data-count="reached">{reached?.reached ?? 0}</span> reached · <span data-count="ended">{reached?.ended ?? 0}</span> ended here
        </div>
      )}
      {problems.length > 0 && (
        <div
          className={`fs-node-badge fs-node-badge--${state}`}
          title={firstProblem}
          aria-label={`${errors} problem${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"}`}
        >
          {errors ? `${errors}` : "!"}
        </div>
      )}
      <div className="fs-node-ports">
        {outputs.map((out) => (
          <div className="fs-port" key={out.key} title={out.title} data-port={out.key}>
            <span className="fs-port-label">{out.label}</span>
            {counts && (
              <span className="fs-port-count" data-testid="branch-count" title="Calls that took this branch">
                {taken?.[out.key] ?? 0}
              </span>
            )}
            <Handle
              type="source"
              position={Position.Bottom}
              id={out.key}
              className={`fs-handle fs-handle--out fs-handle--${out.key === "*" ? "other" : out.key}`}
            />
          </div>
        ))}
      </div>
    </div>
  );
}

export const StepNode = memo(StepNodeView);

// Defined once, outside any component (React Flow warns and re-mounts nodes otherwise).
export const nodeTypes = { step: StepNode };
