// A panel docked beside the canvas (the simulator): the canvas shrinks instead of being covered.
// Its width follows the separator, dragged with the pointer or moved with the arrow keys, and is
// kept in this browser.
import { useCallback, useEffect, useRef, useState, type KeyboardEvent, type PointerEvent, type ReactNode } from "react";

const KEY = "flowstudio.dock.width";
const MIN = 300;
const STEP = 24;
const DEFAULT = 380;

function maxWidth(): number {
  // The canvas keeps at least 360 px beside the palette and the inspector.
  return Math.max(MIN, Math.min(760, window.innerWidth - 220 - 340 - 360));
}

function clamp(width: number): number {
  return Math.round(Math.min(maxWidth(), Math.max(MIN, width)));
}

function stored(): number {
  try {
    const value = Number(window.localStorage.getItem(KEY));
    return clamp(Number.isFinite(value) && value > 0 ? value : DEFAULT);
  } catch {
    return clamp(DEFAULT);
  }
}

interface Props {
  label: string;
  /** Called once the width has settled (after a drag or a key), so the content can re-frame the canvas. */
  onResized?: () => void;
  children: ReactNode;
}

export function SideDock({ label, onResized, children }: Props) {
  const [width, setWidth] = useState(stored);
  const drag = useRef<{ x: number; width: number } | null>(null);

  useEffect(() => {
    try {
      window.localStorage.setItem(KEY, String(width));
    } catch {
      // the width is only a comfort
    }
  }, [width]);

  const settle = useCallback(() => onResized?.(), [onResized]);

  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    event.currentTarget.setPointerCapture(event.pointerId);
    drag.current = { x: event.clientX, width };
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    if (drag.current) setWidth(clamp(drag.current.width + drag.current.x - event.clientX));
  };
  const onPointerUp = () => {
    if (!drag.current) return;
    drag.current = null;
    settle();
  };
  // The dock is on the right: Left makes it wider, Right narrower.
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const next =
      event.key === "ArrowLeft" ? width + STEP
      : event.key === "ArrowRight" ? width - STEP
      : event.key === "Home" ? MIN
      : event.key === "End" ? maxWidth()
      : null;
    if (next === null) return;
    event.preventDefault();
    setWidth(clamp(next));
    settle();
  };

  return (
    <div className="fs-dock" style={{ width }} data-testid="side-dock">
      <div
        className="fs-dock-handle"
        role="separator"
        aria-orientation="vertical"
        aria-label={`Resize the ${label}`}
        aria-valuenow={width}
        aria-valuemin={MIN}
        aria-valuemax={maxWidth()}
        title="Drag, or use the arrow keys, to resize"
        tabIndex={0}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onKeyDown={onKeyDown}
      />
      <div className="fs-dock-body">{children}</div>
    </div>
  );
}
