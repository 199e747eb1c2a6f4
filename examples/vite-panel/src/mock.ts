// The Python side as a mock, for `npm run dev` in an ordinary browser (no DCC needed).
import { createMock } from "@auroraview/bridge";

export const mock = createMock({
  latencyMs: 20,
  handlers: {
    "panel.scene_info": () => ({ name: "mock scene", objects: 3 }),
    "panel.export_frames": async ({ args }, context) => {
      const [count] = args as [number];
      for (let frame = 1; frame <= count; frame++) context.send({ frame });
      return `mock: exported ${count} frames`;
    },
  },
});
