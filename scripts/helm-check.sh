#!/usr/bin/env bash
# `make helm-check`: lints the chart, renders it with the default and the production values,
# and validates every rendered object offline (there is no API server here):
#   - built-in kinds with kubernetes-validate --strict (unknown fields are errors), against the
#     oldest Kubernetes the chart supports (Chart.yaml kubeVersion) and the newest it knows;
#   - the ServiceMonitor (a CRD, unknown to kubernetes-validate) with validators generated
#     from the Prometheus Operator CRD schema (types, required fields, enums; unknown fields
#     are not rejected there, as that schema does not forbid them);
#   - every ROSTER_* variable the chart sets must be a row of README.md's configuration table,
#     and each Deployment's terminationGracePeriodSeconds must outlast the drain delay plus the
#     grace period;
#   - deploy/docker/Dockerfile and .dockerignore pass scripts/dockerfile-check.py (a static
#     check: no Docker engine here to build the image).
# The tools come from scripts/install-helm-tools.sh (project-local, under .tools).
set -euo pipefail
cd "$(dirname "$0")/.."
tools=$(cd "${TOOLS:-.tools}" && pwd)
chart=deploy/helm/roster
helm=$tools/bin/helm
py=$tools/venv/bin/python
validate=$tools/venv/bin/kubernetes-validate
versions=(1.27.0 1.37.0)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

for values in default production; do
  args=()
  [ "$values" = production ] && args=(-f "$chart/values-production.yaml")
  echo "== $values values"
  "$helm" lint --strict "$chart" "${args[@]}"
  "$helm" template roster "$chart" --namespace roster "${args[@]}" >"$out/$values.yaml"

  # Split built-in kinds from CRD objects; list the ROSTER_* variables set.
  "$py" - "$out/$values.yaml" "$out/$values-builtin.yaml" "$out/$values-crds.json" "$out/$values-vars.txt" <<'PY'
import json, re, sys, yaml
src, builtin, crds, variables = sys.argv[1:]
docs = [d for d in yaml.safe_load_all(open(src)) if d]
custom = [d for d in docs if d["apiVersion"].startswith("monitoring.coreos.com/")]
native = [d for d in docs if d not in custom]
yaml.safe_dump_all(native, open(builtin, "w"))
json.dump(custom, open(crds, "w"))
names = set(re.findall(r"\bROSTER_[A-Z0-9_]+\b", yaml.safe_dump_all(native)))
# The kubelet's SIGKILL must come after Roster's own drain delay and grace period.
config = next(d["data"] for d in native if d["kind"] == "ConfigMap")
drain = int(config["ROSTER_SHUTDOWN_DELAY_SECS"]) + int(config["ROSTER_SHUTDOWN_GRACE_SECS"])
for d in native:
    if d["kind"] == "Deployment":
        period = d["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
        if period <= drain:
            sys.exit(f"{d['metadata']['name']}: terminationGracePeriodSeconds {period} <= delay + grace {drain}")
open(variables, "w").write("".join(n + "\n" for n in sorted(names)))
print(f"{len(native)} built-in objects, {len(custom)} CRD objects, {len(names)} ROSTER_* variables")
PY

  for k in "${versions[@]}"; do
    report=$("$validate" --strict -k "$k" "$out/$values-builtin.yaml") || { echo "$report"; exit 1; }
    # A missing schema is only a warning to kubernetes-validate: here it is a failure.
    if grep -v '^INFO' <<<"$report"; then echo "kubernetes-validate did not check everything" >&2; exit 1; fi
    echo "kubernetes-validate --strict -k $k: $(grep -c '^INFO' <<<"$report") objects passed"
  done

  if [ "$(cat "$out/$values-crds.json")" != "[]" ]; then
    MODELS_DIR="$tools/k8s-models" node scripts/validate-crds.mjs <"$out/$values-crds.json"
  fi

  while read -r var; do
    grep -q "| \`$var\` |" README.md || { echo "the chart sets $var, which README.md's configuration table does not list" >&2; exit 1; }
  done <"$out/$values-vars.txt"
  echo "ROSTER_* variables: all documented settings ($(wc -l <"$out/$values-vars.txt"))"
done

# The chart refuses settings it owns, a chart-made Secret without a database URL, and a
# termination grace period that would not outlast the drain.
if "$helm" template roster "$chart" --set settings.grpc_addr=0.0.0.0:1 >/dev/null 2>&1; then
  echo "settings.grpc_addr was accepted, but the chart sets it" >&2; exit 1
fi
if "$helm" template roster "$chart" --set secrets.databaseUrl= >/dev/null 2>&1; then
  echo "an empty secrets.databaseUrl was accepted" >&2; exit 1
fi
"$py" scripts/dockerfile-check.py .
if "$helm" template roster "$chart" --set shutdown.marginSeconds=0 >/dev/null 2>&1; then
  echo "shutdown.marginSeconds=0 was accepted" >&2; exit 1
fi
echo "helm-check: the chart renders valid manifests for both value files"
