// Compiled with `tsc --noEmit` by `npm test`: the public types accept what they should and
// refuse what they should (@ts-expect-error lines must fail to type-check).
import { bindings, call, Channel, kwargs, options, type Bound } from "../src/index";

interface SceneApi {
  add(name: string, size?: number): { name: string };
  count(): number;
}

async function typed(): Promise<void> {
  const scene: Bound<SceneApi> = bindings<SceneApi>("scene");
  const added: { name: string } = await scene.add("cube", 2, kwargs({ selected: true }));
  const n: number = await scene.count();
  // @ts-expect-error: add takes a name
  await scene.add(42);
  const channel = new Channel<{ done: number }>((m) => m.done.toFixed());
  await scene.add("x", 1, options({ channel }));
  const value = await call<string, number>("export", { path: "/tmp/a" }, {
    timeoutMs: 10,
    onMessage: (progress) => progress.toFixed(),
  });
  value.toUpperCase();
  // @ts-expect-error: onMessage must be a function
  await call("export", null, { onMessage: 3 });
  void added;
  void n;
  // The global declarations come along.
  void window.auroraview.whenReady();
}
void typed;
