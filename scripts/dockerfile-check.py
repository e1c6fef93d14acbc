"""Static check of deploy/docker/Dockerfile, as no Docker engine is available to build it here.

Parses it with BuildKit's own parser (the `dockerfile` package wraps the Go parser) and checks
what the image must be: multi-stage, a Rust builder stage that runs
`cargo build --release --locked -p roster`, a runtime stage that copies only the binary from
the builder, runs as the non-root user 65532 and has `ENTRYPOINT ["roster"]`; and that
.dockerignore keeps the build context lean without leaving out anything cargo needs.
Run by scripts/helm-check.sh with the venv's Python. Exits 1 listing every problem.
"""

import fnmatch
import pathlib
import sys
import tomllib

import dockerfile

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")
problems = []
commands = dockerfile.parse_file(str(root / "deploy/docker/Dockerfile"))

stages, current = [], None
for c in commands:
    if c.cmd == "FROM":
        current = {"from": c.value, "commands": []}
        stages.append(current)
    elif current is not None:
        current["commands"].append(c)

if len(stages) < 2:
    problems.append("the Dockerfile must be multi-stage (a builder and a runtime stage)")
else:
    builder, runtime = stages[0], stages[-1]
    builder_name = builder["from"][-1] if "AS" in [v.upper() for v in builder["from"]] else None
    if not builder["from"][0].startswith("rust:"):
        problems.append(f"the builder stage should start from a rust image, not {builder['from'][0]}")
    runs = " ".join(" ".join(c.value) for c in builder["commands"] if c.cmd == "RUN")
    if "cargo build --release --locked -p roster" not in runs:
        problems.append("the builder must run `cargo build --release --locked -p roster`")
    base = runtime["from"][0]
    if not ("distroless" in base or base.endswith("-slim") or "-slim-" in base):
        problems.append(f"the runtime stage should be small (distroless or -slim), not {base}")
    copies = [c for c in runtime["commands"] if c.cmd == "COPY"]
    if not copies or any(f"--from={builder_name}" not in c.flags for c in copies):
        problems.append("the runtime stage must copy only from the builder stage")
    if not any(c.value[0].endswith("/roster") for c in copies):
        problems.append("the runtime stage must copy the roster binary")
    users = [c.value[0] for c in runtime["commands"] if c.cmd == "USER"]
    if not users or users[-1].split(":")[0] != "65532":
        problems.append("the runtime stage must run as USER 65532 (non-root, numeric for runAsNonRoot)")
    entry = [c for c in runtime["commands"] if c.cmd == "ENTRYPOINT"]
    if not entry or not entry[-1].json or list(entry[-1].value) != ["roster"]:
        problems.append('the runtime stage must have ENTRYPOINT ["roster"] (exec form)')
    if any(c.cmd == "RUN" for c in runtime["commands"]):
        problems.append("the runtime stage has no shell (distroless): no RUN there")

ignore = root / ".dockerignore"
if not ignore.exists():
    problems.append(".dockerignore is missing at the repository root (the build context)")
else:
    patterns = [l.strip() for l in ignore.read_text().splitlines() if l.strip() and not l.startswith("#")]
    for must in ("target", ".git"):
        if must not in patterns:
            problems.append(f".dockerignore should leave out {must}")
    members = tomllib.loads((root / "Cargo.toml").read_text())["workspace"]["members"]
    needed = ["Cargo.toml", "Cargo.lock", "proto", *members]
    for path in needed:
        if not (root / path).exists():
            problems.append(f"{path} (needed by cargo) does not exist")
        if any(fnmatch.fnmatch(path, p) or path.startswith(p.rstrip("/") + "/") for p in patterns):
            problems.append(f".dockerignore leaves out {path}, which cargo needs")

if problems:
    print("Dockerfile check failed:\n  - " + "\n  - ".join(problems))
    sys.exit(1)
print(f"Dockerfile: {len(stages)} stages, builder {stages[0]['from'][0]}, runtime {stages[-1]['from'][0]}; .dockerignore fine")
