// Runs dagre off the main thread so a big flow never freezes the page.
import { computeLayout, type LayoutInput } from "./dagreLayout";

self.onmessage = (event: MessageEvent<{ id: number; input: LayoutInput }>) => {
  const { id, input } = event.data;
  try {
    (self as unknown as Worker).postMessage({ id, positions: computeLayout(input) });
  } catch (err) {
    (self as unknown as Worker).postMessage({ id, error: String(err) });
  }
};
