// Validates Prometheus Operator objects (ServiceMonitor) given as a JSON array on stdin with
// the validators that @kubernetes-models/prometheus-operator generates from the upstream CRD
// schemas (types, required fields, enums and patterns). Run by scripts/helm-check.sh with
// MODELS_DIR naming the directory scripts/install-helm-tools.sh installed them into.
// Exits 1 after naming each invalid object and its fields.
import { pathToFileURL } from "node:url";

const models = await import(
  pathToFileURL(
    `${process.env.MODELS_DIR}/node_modules/@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/index.js`,
  ).href
);

let input = "";
for await (const chunk of process.stdin) input += chunk;
const objects = JSON.parse(input);
let failed = 0;
for (const o of objects) {
  const where = `${o.kind}/${o.metadata?.name}`;
  const Model = o.apiVersion === "monitoring.coreos.com/v1" ? models[o.kind] : undefined;
  if (!Model) {
    console.log(`ERROR ${where}: no validator for ${o.apiVersion} ${o.kind}`);
    failed++;
    continue;
  }
  try {
    new Model(o).validate();
    console.log(`INFO ${where} passed against the ${o.apiVersion} CRD schema`);
  } catch (e) {
    console.log(`ERROR ${where} did not validate: ${e.message}`);
    failed++;
  }
}
process.exit(failed ? 1 : 0);
