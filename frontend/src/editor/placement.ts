// Where a step added from the palette goes: a free spot in the part of the canvas on screen.
import type { Rect } from "./viewport";

const GAP = 24;

function overlaps(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.width + GAP && a.x + a.width + GAP > b.x && a.y < b.y + b.height + GAP && a.y + a.height + GAP > b.y;
}

/**
 * The free spot of `size` inside `view` nearest to `preferred` (its top-left corner), or null when
 * the view has none. `taken` holds the steps and what covers the canvas there (the overview map,
 * the zoom buttons, a notice), all in flow coordinates. At most about 1,600 spots are tried,
 * however far out the view is zoomed.
 */
export function freeSpot(taken: Rect[], view: Rect, preferred: { x: number; y: number }, size: { width: number; height: number }): { x: number; y: number } | null {
  const width = view.width - size.width;
  const height = view.height - size.height;
  if (width < 0 || height < 0) return null;
  const near = taken.filter((r) => overlaps(r, view));
  const stepX = Math.max(20, width / 40);
  const stepY = Math.max(20, height / 40);
  const spots: { x: number; y: number; d: number }[] = [];
  for (let y = view.y; y <= view.y + height; y += stepY) {
    for (let x = view.x; x <= view.x + width; x += stepX) {
      spots.push({ x, y, d: (x - preferred.x) ** 2 + (y - preferred.y) ** 2 });
    }
  }
  spots.sort((a, b) => a.d - b.d);
  const found = spots.find((p) => !near.some((r) => overlaps(r, { x: p.x, y: p.y, ...size })));
  return found ? { x: found.x, y: found.y } : null;
}
