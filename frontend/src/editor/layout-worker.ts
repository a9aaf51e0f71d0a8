// Lays out big flows off the main thread so the page never freezes (autoLayout.ts picks the layout).
// Input and answer are typed arrays, moved rather than copied (layeredLayout.ts, Packed).
import { autoLayout } from "./autoLayout";
import type { Packed } from "./layeredLayout";

self.onmessage = (event: MessageEvent<{ id: number; input: Packed }>) => {
  const { id, input } = event.data;
  try {
    const corners = autoLayout(input);
    (self as unknown as Worker).postMessage({ id, corners }, [corners.buffer]);
  } catch (err) {
    (self as unknown as Worker).postMessage({ id, error: String(err) });
  }
};
