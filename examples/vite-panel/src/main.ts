import "./style.css";
import {
  bindings,
  Channel,
  isAuroraView,
  options,
  useMock,
  whenReady,
} from "@auroraview/bridge";

/** The Python object the panel binds with webview.bind_api(PanelApi(), namespace="panel"). */
interface PanelApi {
  scene_info(): { name: string; objects: number };
  export_frames(count: number): string;
}

/** What the page checked; the tests read it as window.panelReport. */
const report: Record<string, unknown> = { host: isAuroraView() ? "auroraview" : "mock" };
(window as unknown as { panelReport: typeof report }).panelReport = report;

function check(label: string, ok: boolean): void {
  const item = document.createElement("li");
  item.textContent = label;
  item.className = ok ? "ok" : "failed";
  document.getElementById("checks")!.appendChild(item);
}

function runWorker(n: number): Promise<number> {
  const worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
  return new Promise((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<number>) => {
      resolve(event.data);
      worker.terminate();
    };
    worker.onerror = (event) => reject(new Error(`worker failed: ${event.message}`));
    worker.postMessage(n);
  });
}

async function main(): Promise<void> {
  if (!isAuroraView()) {
    const { mock } = await import("./mock");
    useMock(mock);
  }
  await whenReady();

  const lazy = await import("./lazy");
  report.dynamicImport = lazy.describe();
  check("dynamic import", report.dynamicImport === "lazy chunk");

  report.worker = await runWorker(21);
  check("module worker", report.worker === 42);

  const response = await fetch(new URL("data/scene.json", document.baseURI));
  report.json = await response.json();
  check("fetched JSON", response.ok);

  await document.fonts.load('16px "Inter"');
  report.font = document.fonts.check('16px "Inter"');
  check("font", report.font === true);

  const panel = bindings<PanelApi>("panel");
  report.python = await panel.scene_info();
  const frames: number[] = [];
  const channel = new Channel<{ frame: number }>((message) => frames.push(message.frame));
  report.exported = await panel.export_frames(5, options({ channel }));
  report.frames = frames;
  check("Python call", frames.length === 5);

  document.getElementById("status")!.textContent = `${report.exported}`;
  report.done = true;
}

main().catch((error: unknown) => {
  report.error = String(error);
  document.getElementById("status")!.textContent = `failed: ${String(error)}`;
});
