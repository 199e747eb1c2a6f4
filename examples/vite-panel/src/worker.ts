// A module worker: it imports like any module.
import { double } from "./lazy";

self.onmessage = (event: MessageEvent<number>) => {
  self.postMessage(double(event.data));
};
