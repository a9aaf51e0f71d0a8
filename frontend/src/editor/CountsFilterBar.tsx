// Which calls the canvas's counts are of: every call or one campaign's, over all time, the last 7 or
// 30 days or dates of one's own (GET …/counts/?campaign=&since=&until=). Shown over the canvas while
// the toolbar's "Counts" toggle is on; the toolbar itself stays one line (tests/browser/test_editor_accessible.py).
import { useId } from "react";
import { type CountsFilter, type DaysChoice, utcDay } from "./counts";

interface Props {
  version: number;
  filter: CountsFilter;
  campaigns: { id: number; name: string }[];
  onChange: (filter: CountsFilter) => void;
}

export function CountsFilterBar({ version, filter, campaigns, onChange }: Props) {
  const id = useId();
  const backwards = filter.days === "custom" && filter.from && filter.to && filter.from > filter.to;
  const pickDays = (days: DaysChoice) => {
    if (days !== "custom" || filter.from) return onChange({ ...filter, days });
    const today = new Date();  // a custom range starts as the last 30 days, to change from there
    onChange({ ...filter, days, from: utcDay(today, 29), to: utcDay(today) });
  };
  return (
    <div className="fs-counts-filter shadow-sm" role="group" aria-label={`Which calls of version ${version} to count`} data-testid="counts-filter">
      <label htmlFor={`${id}-campaign`}>Calls</label>
      <select id={`${id}-campaign`} className="form-select form-select-sm" value={filter.campaign ?? ""}
        onChange={(e) => onChange({ ...filter, campaign: e.target.value ? Number(e.target.value) : null })}>
        <option value="">All calls</option>
        {campaigns.length > 0 && (
          <optgroup label="One campaign's">
            {campaigns.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
          </optgroup>
        )}
      </select>
      <label htmlFor={`${id}-days`}>Days</label>
      <select id={`${id}-days`} className="form-select form-select-sm" value={filter.days}
        onChange={(e) => pickDays(e.target.value as DaysChoice)}>
        <option value="all">All time</option>
        <option value="7">Last 7 days</option>
        <option value="30">Last 30 days</option>
        <option value="custom">Pick dates…</option>
      </select>
      {filter.days === "custom" && (
        <>
          <label htmlFor={`${id}-from`}>From</label>
          <input id={`${id}-from`} type="date" className="form-control form-control-sm" value={filter.from}
            max={filter.to || undefined} onChange={(e) => onChange({ ...filter, from: e.target.value })} />
          <label htmlFor={`${id}-to`}>to</label>
          <input id={`${id}-to`} type="date" className="form-control form-control-sm" value={filter.to}
            min={filter.from || undefined} onChange={(e) => onChange({ ...filter, to: e.target.value })}
            aria-invalid={backwards ? true : undefined} aria-describedby={backwards ? `${id}-hint` : undefined} />
        </>
      )}
      {backwards && <span id={`${id}-hint`} className="fs-counts-hint" role="alert">The end comes before the start.</span>}
    </div>
  );
}
