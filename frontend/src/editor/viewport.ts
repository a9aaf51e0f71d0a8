// Where the canvas looks when the page opens. Small flows are fitted; big ones open at a
// working zoom on the start, so only the steps on screen are drawn (onlyRenderVisibleElements).
import type { Viewport } from "@xyflow/react";
import { ESTIMATED_HEIGHT, NODE_WIDTH } from "./layout";
import type { FlowDocument } from "./types";

const BIG_FLOW = 150;
const SIDE_PANELS = 220 + 340;
const CHROME_HEIGHT = 56 + 52 + 44;

export function initialViewport(doc: FlowDocument): Viewport {
  const width = Math.max(320, window.innerWidth - SIDE_PANELS);
  const height = Math.max(240, window.innerHeight - CHROME_HEIGHT);
  const places = doc.steps.map((s) => doc.layout[s.id]).filter(Boolean);
  if (!places.length) return { x: width / 2 - NODE_WIDTH / 2, y: 80, zoom: 1 };
  if (places.length > BIG_FLOW) {
    const start = places[0];
    const zoom = 0.75;
    return { x: width / 2 - (start.x + NODE_WIDTH / 2) * zoom, y: 40 - start.y * zoom, zoom };
  }
  const minX = Math.min(...places.map((p) => p.x));
  const minY = Math.min(...places.map((p) => p.y));
  const maxX = Math.max(...places.map((p) => p.x + NODE_WIDTH));
  const maxY = Math.max(...places.map((p) => p.y + ESTIMATED_HEIGHT));
  const pad = 60;
  const zoom = Math.max(0.2, Math.min(1, (width - pad * 2) / (maxX - minX), (height - pad * 2) / (maxY - minY)));
  return {
    x: (width - (maxX - minX) * zoom) / 2 - minX * zoom,
    y: Math.max(pad / 2, (height - (maxY - minY) * zoom) / 2) - minY * zoom,
    zoom,
  };
}
