#!/usr/bin/env python3
"""Offline checks of Miroir's rendered Kubernetes manifests (run by deploy/check, in its virtualenv).

  k8s_check.py validate --kube-version 1.27 --kube-version 1.37 FILE...   schemas (kubernetes-validate's, strict)
  k8s_check.py policy FILE...                                            Miroir's policy (probes, limits, security)
  k8s_check.py mutate FILE OUTDIR                                        broken copies, for the negative tests
  k8s_check.py kustomize-generate RENDERED_BASE RENDERED_SMALL RENDERED_DEFAULT KUSTOMIZE_DIR
  k8s_check.py same HELM_FILE KUSTOMIZE_FILE                              same objects, once normalized
  k8s_check.py docker-context REPO OUTDIR                                 the build context .dockerignore keeps

Schemas: Kubernetes' own, as shipped by kubernetes-validate (built-in kinds, strict: unknown fields are errors).
The custom resources the chart can render (CloudNativePG's Cluster, prometheus-operator's ServiceMonitor) have no
schema there: they are checked against the subset schemas in crd-schemas/ (the fields the chart writes, with their
upstream types; anything else is an error, so a new field must be added there first). Any other kind fails.
"""

from __future__ import annotations

import copy
import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
WORKLOADS = {"Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Pod"}
LONG_RUNNING = {"Deployment", "StatefulSet", "DaemonSet", "Pod"}


# --------------------------------------------------------------------------------------------------------- loading


def load(path: str) -> list[dict]:
    with open(path) as f:
        return [doc for doc in yaml.safe_load_all(f) if doc]


def ident(doc: dict) -> str:
    meta = doc.get("metadata") or {}
    return f"{doc.get('kind')}/{meta.get('name')}"


def pod_spec(doc: dict) -> dict | None:
    kind = doc.get("kind")
    if kind == "Pod":
        return doc.get("spec")
    if kind == "CronJob":
        return doc["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    if kind in WORKLOADS:
        return doc["spec"]["template"]["spec"]
    return None


def pod_labels(doc: dict) -> dict:
    if doc.get("kind") == "Pod":
        return doc["metadata"].get("labels") or {}
    if doc.get("kind") == "CronJob":
        return doc["spec"]["jobTemplate"]["spec"]["template"]["metadata"].get("labels") or {}
    return doc["spec"]["template"].get("metadata", {}).get("labels") or {}


def selects(selector: dict | None, labels: dict) -> bool:
    """A LabelSelector (matchLabels and matchExpressions) against labels; an empty selector selects everything."""
    selector = selector or {}
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr["key"], expr["operator"], expr.get("values") or []
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and labels.get(key) in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True


# ------------------------------------------------------------------------------------------------------- schemas


class Schemas:
    """kubernetes-validate's strict schemas for one Kubernetes version, plus the CRD subset schemas."""

    def __init__(self, version: str):
        import importlib.resources

        import referencing
        import referencing.jsonschema
        from jsonschema import Draft202012Validator

        self._validator_class = Draft202012Validator
        root = importlib.resources.files("kubernetes_validate").joinpath("kubernetes-json-schema")
        available = sorted(
            (p.name for p in root.iterdir() if re.match(r"^v\d+\.\d+\.\d+-local-strict$", p.name)),
            key=lambda n: tuple(int(x) for x in n[1:].split("-")[0].split(".")),
        )
        wanted = tuple(int(x) for x in version.split(".")[:2])
        chosen = [n for n in available if tuple(int(x) for x in n[1:].split("-")[0].split(".")[:2]) <= wanted]
        if not chosen:
            raise SystemExit(f"kubernetes-validate has no schemas for Kubernetes {version}")
        self.dir = root.joinpath(chosen[-1])
        self.version = chosen[-1][1:].split("-")[0]
        if tuple(int(x) for x in self.version.split(".")[:2]) != wanted:
            raise SystemExit(f"kubernetes-validate has no schemas for Kubernetes {version} (newest: {self.version})")
        definitions = json.loads(self.dir.joinpath("_definitions.json").read_text())
        resources = [(definitions["$id"], referencing.Resource.from_contents(definitions))]
        self.crds: dict[tuple[str, str], dict] = {}
        for path in sorted((HERE / "crd-schemas").glob("*.json")):
            schema = json.loads(path.read_text())
            resources.append((schema["$id"], referencing.Resource.from_contents(schema)))
            api_version = schema["properties"]["apiVersion"]["enum"][0]
            kind = schema["properties"]["kind"]["enum"][0]
            self.crds[(api_version, kind)] = schema
        self.registry = referencing.Registry().with_resources(resources)
        self._cache: dict[tuple[str, str], object] = {}

    def validator(self, api_version: str, kind: str):
        key = (api_version, kind)
        if key not in self._cache:
            if key in self.crds:
                schema = self.crds[key]
            else:
                # The file naming of kubernetes-validate: <kind>-<group without its domain>-<version>.json
                group_version = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
                path = self.dir.joinpath(f"{kind.lower()}-{group_version}.json")
                if not path.is_file():
                    return None
                schema = json.loads(path.read_text())
                schema.setdefault("$id", f"https://kubernetes.io/api/{path.name}")
            self._cache[key] = self._validator_class(schema, registry=self.registry)
        return self._cache[key]


def cmd_validate(args: list[str]) -> int:
    versions, files = [], []
    it = iter(args)
    for arg in it:
        if arg == "--kube-version":
            versions.append(next(it))
        else:
            files.append(arg)
    failures = 0
    count = 0
    for version in versions or ["1.33"]:
        schemas = Schemas(version)
        for path in files:
            for doc in load(path):
                count += 1
                validator = schemas.validator(doc.get("apiVersion", ""), doc.get("kind", ""))
                if validator is None:
                    print(f"FAIL {path}: {ident(doc)}: no schema for {doc.get('apiVersion')} {doc.get('kind')} "
                          f"in Kubernetes {schemas.version} nor in crd-schemas/")
                    failures += 1
                    continue
                for error in sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path)):
                    where = ".".join(str(p) for p in error.absolute_path) or "(root)"
                    print(f"FAIL {path}: {ident(doc)} against Kubernetes {schemas.version}: {where}: "
                          f"{error.message[:300]}")
                    failures += 1
    print(f"schemas: {count} objects checked ({', '.join(versions)}), {failures} errors")
    return 1 if failures else 0


# -------------------------------------------------------------------------------------------------------- policy


def policy_problems(docs: list[dict]) -> list[str]:
    """What Miroir requires of every manifest it ships; each problem is one line naming the object and field."""
    problems: list[str] = []
    pdbs = [d for d in docs if d.get("kind") == "PodDisruptionBudget"]
    hpas = [d for d in docs if d.get("kind") == "HorizontalPodAutoscaler"]
    netpols = [d for d in docs if d.get("kind") == "NetworkPolicy"]
    services = {d["metadata"]["name"]: d for d in docs if d.get("kind") == "Service"}

    for doc in docs:
        kind = doc.get("kind")
        name = ident(doc)
        spec = pod_spec(doc)
        if spec is not None:
            problems += pod_problems(name, kind, spec)
            labels = pod_labels(doc)
            ingress_policies = [
                n for n in netpols
                if "Ingress" in (n["spec"].get("policyTypes") or ["Ingress"])
                and selects(n["spec"].get("podSelector"), labels)
            ]
            if not ingress_policies:
                problems.append(f"{name}: no NetworkPolicy restricts traffic to its pods")
        if kind == "Deployment":
            labels = pod_labels(doc)
            if not any(selects(p["spec"].get("selector"), labels) for p in pdbs):
                problems.append(f"{name}: no PodDisruptionBudget covers it")
            autoscaled = any(
                h["spec"]["scaleTargetRef"].get("kind") == "Deployment"
                and h["spec"]["scaleTargetRef"].get("name") == doc["metadata"]["name"]
                for h in hpas
            )
            if "replicas" not in doc["spec"] and not autoscaled:
                problems.append(f"{name}: neither spec.replicas nor a HorizontalPodAutoscaler")
            if autoscaled and "replicas" in doc["spec"]:
                problems.append(f"{name}: spec.replicas is set although a HorizontalPodAutoscaler owns it")
            keys = {c.get("topologyKey") for c in spec.get("topologySpreadConstraints") or []}
            if "topology.kubernetes.io/zone" not in keys:
                problems.append(f"{name}: spec.template.spec.topologySpreadConstraints: no spread across zones")
        if kind == "Service" and doc["spec"].get("type", "ClusterIP") != "ClusterIP":
            problems.append(f"{name}: spec.type {doc['spec']['type']}: only the gateway is exposed, by the Ingress")
        if kind == "Ingress":
            tls_hosts = {h for t in doc["spec"].get("tls") or [] if t.get("secretName") for h in t.get("hosts") or []}
            for rule in doc["spec"].get("rules") or []:
                if rule.get("host") not in tls_hosts:
                    problems.append(f"{name}: host {rule.get('host')!r} is not served over TLS")
                for path in (rule.get("http") or {}).get("paths") or []:
                    backend = path["backend"].get("service", {}).get("name", "")
                    service = services.get(backend)
                    component = ((service or {}).get("metadata", {}).get("labels") or {}).get(
                        "app.kubernetes.io/component")
                    if component != "gateway":
                        problems.append(f"{name}: routes to {backend!r}: only the gateway is reachable from outside")
    return problems


def pod_problems(name: str, kind: str, spec: dict) -> list[str]:
    problems = []
    pod_sc = spec.get("securityContext") or {}
    if spec.get("automountServiceAccountToken") is not False:
        problems.append(f"{name}: automountServiceAccountToken must be false (Miroir never calls the API)")
    for flag in ("hostNetwork", "hostPID", "hostIPC"):
        if spec.get(flag):
            problems.append(f"{name}: {flag} must not be set")
    for volume in spec.get("volumes") or []:
        if "hostPath" in volume:
            problems.append(f"{name}: volume {volume['name']} is a hostPath")
    containers = [("containers", c) for c in spec.get("containers") or []]
    containers += [("initContainers", c) for c in spec.get("initContainers") or []]
    for group, c in containers:
        where = f"{name}: {group}[{c.get('name')}]"
        sc = c.get("securityContext") or {}

        def effective(key):
            return sc.get(key, pod_sc.get(key))

        if effective("runAsNonRoot") is not True:
            problems.append(f"{where}: securityContext.runAsNonRoot must be true")
        if effective("runAsUser") == 0:
            problems.append(f"{where}: securityContext.runAsUser must not be 0")
        if sc.get("readOnlyRootFilesystem") is not True:
            problems.append(f"{where}: securityContext.readOnlyRootFilesystem must be true")
        if sc.get("allowPrivilegeEscalation") is not False:
            problems.append(f"{where}: securityContext.allowPrivilegeEscalation must be false")
        if sc.get("privileged"):
            problems.append(f"{where}: securityContext.privileged must not be true")
        caps = sc.get("capabilities") or {}
        if "ALL" not in (caps.get("drop") or []):
            problems.append(f"{where}: securityContext.capabilities.drop must contain ALL")
        if caps.get("add"):
            problems.append(f"{where}: securityContext.capabilities.add must be empty")
        seccomp = (effective("seccompProfile") or {}).get("type")
        if seccomp not in ("RuntimeDefault", "Localhost"):
            problems.append(f"{where}: securityContext.seccompProfile.type must be RuntimeDefault or Localhost")
        resources = c.get("resources") or {}
        for section in ("requests", "limits"):
            for resource in ("cpu", "memory"):
                if resource not in (resources.get(section) or {}):
                    problems.append(f"{where}: resources.{section}.{resource} is missing")
        image = c.get("image", "")
        if "@sha256:" not in image and (":" not in image.rsplit("/", 1)[-1] or image.endswith(":latest")):
            problems.append(f"{where}: image {image!r} must have a fixed tag or a digest")
        if group == "containers" and kind in LONG_RUNNING:
            for probe in ("readinessProbe", "livenessProbe"):
                handler = c.get(probe) or {}
                if not any(k in handler for k in ("httpGet", "grpc", "tcpSocket", "exec")):
                    problems.append(f"{where}: {probe} is missing")
    return problems


def cmd_policy(files: list[str]) -> int:
    total = 0
    failures = 0
    for path in files:
        docs = load(path)
        problems = policy_problems(docs)
        total += len(docs)
        for problem in problems:
            print(f"FAIL {path}: {problem}")
        failures += len(problems)
    print(f"policy: {total} objects checked, {failures} problems")
    return 1 if failures else 0


# ------------------------------------------------------------------------------------------------ negative tests

# Each mutation breaks one rule in a copy of a rendered file; the policy (and checkov, for the checks it has) must
# then fail naming it. (name, what the policy must say, the checkov check that must fail or None, the mutation)
MUTATIONS = [
    ("no-readiness-probe", "readinessProbe is missing", "CKV_K8S_9",
     lambda c, s: c.pop("readinessProbe")),
    ("no-liveness-probe", "livenessProbe is missing", "CKV_K8S_8",
     lambda c, s: c.pop("livenessProbe")),
    ("no-memory-limit", "resources.limits.memory is missing", "CKV_K8S_13",
     lambda c, s: c["resources"]["limits"].pop("memory")),
    ("no-cpu-request", "resources.requests.cpu is missing", "CKV_K8S_10",
     lambda c, s: c["resources"]["requests"].pop("cpu")),
    ("writable-root", "readOnlyRootFilesystem must be true", "CKV_K8S_22",
     lambda c, s: c["securityContext"].pop("readOnlyRootFilesystem")),
    ("privilege-escalation", "allowPrivilegeEscalation must be false", "CKV_K8S_20",
     lambda c, s: c["securityContext"].update(allowPrivilegeEscalation=True)),
    ("root", "runAsNonRoot must be true", "CKV_K8S_23",
     lambda c, s: (c["securityContext"].pop("runAsNonRoot"), s["securityContext"].pop("runAsNonRoot"),
                   c["securityContext"].update(runAsUser=0), s["securityContext"].update(runAsUser=0))),
    ("capabilities-kept", "capabilities.drop must contain ALL", "CKV_K8S_37",
     lambda c, s: c["securityContext"].pop("capabilities")),
    ("token-mounted", "automountServiceAccountToken must be false", "CKV_K8S_38",
     lambda c, s: s.pop("automountServiceAccountToken")),
]


def cmd_mutate(path: str, outdir: str) -> int:
    """Writes OUTDIR/<mutation>.yaml, the first Deployment of PATH broken one way (alone: the policy then also
    misses its PDB and NetworkPolicy, which the expectations ignore), and OUTDIR/expectations.json."""
    docs = load(path)
    deployment = next(d for d in docs if d.get("kind") == "Deployment")
    os.makedirs(outdir, exist_ok=True)
    expectations = {}
    for name, message, checkov_id, mutate in MUTATIONS:
        broken = copy.deepcopy(deployment)
        broken["metadata"]["name"] = f"{deployment['metadata']['name']}-{name}"
        spec = broken["spec"]["template"]["spec"]
        mutate(spec["containers"][0], spec)
        file = os.path.join(outdir, f"{name}.yaml")
        with open(file, "w") as f:
            yaml.safe_dump(broken, f, sort_keys=False)
        expectations[file] = {"policy": message, "checkov": checkov_id, "object": broken["metadata"]["name"]}
    with open(os.path.join(outdir, "expectations.json"), "w") as f:
        json.dump(expectations, f, indent=1)
    # For the schemas: a misspelt field in a Deployment and in a CloudNativePG Cluster, a wrong type in a Service.
    typos = [copy.deepcopy(deployment)]
    container = typos[0]["spec"]["template"]["spec"]["containers"][0]
    container["readinessProbes"] = container.pop("readinessProbe")
    cluster = next((copy.deepcopy(d) for d in docs if d.get("kind") == "Cluster"), None)
    if cluster:
        cluster["spec"]["storage"]["sizes"] = cluster["spec"]["storage"].pop("size")
        typos.append(cluster)
    service = copy.deepcopy(next(d for d in docs if d.get("kind") == "Service"))
    service["spec"]["ports"][0]["port"] = "eighty"
    typos.append(service)
    os.makedirs(os.path.join(outdir, "schema"), exist_ok=True)
    with open(os.path.join(outdir, "schema", "typos.yaml"), "w") as f:
        yaml.safe_dump_all(typos, f, sort_keys=False)
    return 0


def cmd_expect_failures(outdir: str, checkov_json: str | None) -> int:
    """Each mutated file must fail the policy with its message, and checkov with its check (when it has one)."""
    expectations = json.load(open(os.path.join(outdir, "expectations.json")))
    checkov_failed: dict[str, set[str]] = {}
    if checkov_json:
        reports = json.load(open(checkov_json))
        for report in reports if isinstance(reports, list) else [reports]:
            for failed in report.get("results", {}).get("failed_checks", []):
                checkov_failed.setdefault(os.path.basename(failed["file_path"]), set()).add(
                    (failed["check_id"], failed["resource"]))
    bad = 0
    for file, expect in expectations.items():
        problems = policy_problems(load(file))
        ok = any(expect["policy"] in p and expect["object"] in p for p in problems)
        print(f"{'ok  ' if ok else 'MISS'} policy catches {os.path.basename(file)[:-5]}: {expect['policy']}")
        bad += not ok
        if checkov_json and expect["checkov"]:
            hits = checkov_failed.get(os.path.basename(file), set())
            ok = any(cid == expect["checkov"] and expect["object"] in res for cid, res in hits)
            print(f"{'ok  ' if ok else 'MISS'} checkov catches {os.path.basename(file)[:-5]}: {expect['checkov']}")
            bad += not ok
    return 1 if bad else 0


# ----------------------------------------------------------------------------------------- kustomize from chart

GENERATED = "# Generated from charts/miroir by `deploy/check --update` ({}). Do not edit: change the chart.\n"
HELM_LABELS = ("helm.sh/chart", "app.kubernetes.io/managed-by")
HELM_ANNOTATIONS = ("checksum/config", "helm.sh/hook", "helm.sh/hook-weight", "helm.sh/hook-delete-policy")


def strip_helm(doc: dict) -> dict:
    """The chart's output as plain manifests: no Helm labels, annotations or hooks."""
    doc = copy.deepcopy(doc)
    metas = [doc.get("metadata", {})]
    if doc.get("kind") in WORKLOADS and doc.get("kind") != "Pod":
        metas.append(doc["spec"]["template"].setdefault("metadata", {}))
    for meta in metas:
        for key in HELM_LABELS:
            (meta.get("labels") or {}).pop(key, None)
        for key in HELM_ANNOTATIONS:
            (meta.get("annotations") or {}).pop(key, None)
        if "annotations" in meta and not meta["annotations"]:
            del meta["annotations"]
    meta = doc.get("metadata", {})
    meta.pop("namespace", None)
    return doc


def component_of(doc: dict) -> str:
    component = (doc["metadata"].get("labels") or {}).get("app.kubernetes.io/component", "")
    component = component.removeprefix("migrate-").removesuffix("-database")
    return component if component not in ("", "migrate") else "common"


def dump(docs: list[dict]) -> str:
    return "---\n".join(yaml.safe_dump(d, sort_keys=False, width=120) for d in docs)


def cmd_kustomize_generate(base_file: str, small_file: str, default_file: str, kdir: str) -> int:
    """deploy/kustomize: base/ from the chart (values-small.yaml, no database clusters), and the objects only the
    overlays have (CloudNativePG clusters of each size; production's autoscalers and ServiceMonitor)."""
    kdir = Path(kdir)
    base = kdir / "base"
    for old in base.glob("*.yaml"):
        if old.name != "kustomization.yaml":
            old.unlink()
    by_component: dict[str, list[dict]] = {}
    config = None
    for doc in load(base_file):
        doc = strip_helm(doc)
        if doc["kind"] == "ConfigMap" and doc["metadata"]["name"].endswith("-config"):
            config = doc  # becomes a configMapGenerator (a new name on each change rolls the pods)
            continue
        if doc["kind"] == "Job":
            # Not a hook here: the Job goes away after a while, so that the next `kubectl apply` runs it again.
            doc["spec"]["ttlSecondsAfterFinished"] = 600
        by_component.setdefault(component_of(doc), []).append(doc)
    assert config is not None, "the chart rendered no ConfigMap"
    files = []
    for component, docs in by_component.items():
        name = f"{component}.yaml"
        (base / name).write_text(GENERATED.format("values-small.yaml") + dump(docs))
        files.append(name)
    env = "".join(f"{k}={v}\n" for k, v in config["data"].items())
    (base / "config.env").write_text(env)
    order = ["common.yaml"] + [f for f in files if f != "common.yaml"]
    kustomization = {
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "labels": [],
        "resources": [f for f in order if f in files],
        "configMapGenerator": [{"name": config["metadata"]["name"], "envs": ["config.env"],
                                "options": {"labels": config["metadata"].get("labels", {})}}],
    }
    kustomization.pop("labels")
    (base / "kustomization.yaml").write_text(GENERATED.format("values-small.yaml") + yaml.safe_dump(
        kustomization, sort_keys=False))
    for overlay, source, kinds in (
        ("small", small_file, {"Cluster"}),
        ("production", default_file, {"Cluster", "HorizontalPodAutoscaler", "ServiceMonitor"}),
    ):
        docs = [strip_helm(d) for d in load(source) if d["kind"] in kinds]
        label = "values-small.yaml" if overlay == "small" else "values.yaml"
        (kdir / "overlays" / overlay / "generated.yaml").write_text(GENERATED.format(label) + dump(docs))
    return 0


def normalize(docs: list[dict]) -> dict[str, dict]:
    """Objects by kind/name, without what legitimately differs between Helm's and kustomize's output."""
    out = {}
    suffixed = re.compile(r"^(.*-config)-[a-z0-9]{10}$")
    for doc in docs:
        doc = strip_helm(doc)
        doc["metadata"]["name"] = suffixed.sub(r"\1", doc["metadata"]["name"])
        if doc["kind"] == "Job":
            doc["spec"].pop("ttlSecondsAfterFinished", None)
        spec = pod_spec(doc)
        for c in (spec or {}).get("containers", []):
            for source in c.get("envFrom") or []:
                ref = source.get("configMapRef")
                if ref:
                    ref["name"] = suffixed.sub(r"\1", ref["name"])
        out[ident(doc)] = doc
    return out


def cmd_same(helm_file: str, kustomize_file: str) -> int:
    helm, kust = normalize(load(helm_file)), normalize(load(kustomize_file))
    problems = []
    for key in sorted(set(helm) | set(kust)):
        if key not in kust:
            problems.append(f"{key}: in the chart's output, not in the overlay's")
        elif key not in helm:
            problems.append(f"{key}: in the overlay's output, not in the chart's")
        elif helm[key] != kust[key]:
            a = yaml.safe_dump(helm[key], sort_keys=True).splitlines()
            b = yaml.safe_dump(kust[key], sort_keys=True).splitlines()
            import difflib

            diff = "\n      ".join(list(difflib.unified_diff(a, b, "chart", "overlay", lineterm="", n=1))[2:14])
            problems.append(f"{key} differs:\n      {diff}")
    for problem in problems:
        print(f"FAIL {kustomize_file}: {problem}")
    print(f"same objects: {len(helm)} in the chart's output, {len(kust)} in the overlay's, {len(problems)} differences")
    return 1 if problems else 0


# ------------------------------------------------------------------------------------------ docker build context


def cmd_docker_context(repo: str, outdir: str) -> int:
    """Copies the files of the repository that .dockerignore lets into the image's build context (Docker's rules
    for the simple patterns it uses: `*`, `!dir/`, `**/name/`, `**/*.ext`)."""
    rules = []
    for line in Path(repo, ".dockerignore").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            rules.append((line.startswith("!"), line.lstrip("!").rstrip("/")))
    files = subprocess.run(["git", "-C", repo, "ls-files", "-z"], check=True, capture_output=True, text=True)
    kept = 0
    for rel in filter(None, files.stdout.split("\0")):
        excluded = False
        for negate, pattern in rules:
            parts = rel.split("/")
            prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
            if pattern.startswith("**/"):
                match = any(fnmatch.fnmatch(p, pattern[3:]) for p in parts)
            else:
                match = any(fnmatch.fnmatch(p, pattern) for p in prefixes if p.count("/") == pattern.count("/"))
            if match:
                excluded = not negate
        if not excluded and Path(repo, rel).is_file():
            dest = Path(outdir, rel)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(Path(repo, rel), dest)
            kept += 1
    print(f"docker context: {kept} files")
    return 0


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    command, args = argv[0], argv[1:]
    if command == "validate":
        return cmd_validate(args)
    if command == "policy":
        return cmd_policy(args)
    if command == "mutate":
        return cmd_mutate(*args)
    if command == "expect-failures":
        return cmd_expect_failures(args[0], args[1] if len(args) > 1 else None)
    if command == "kustomize-generate":
        return cmd_kustomize_generate(*args)
    if command == "same":
        return cmd_same(*args)
    if command == "docker-context":
        return cmd_docker_context(*args)
    print(f"unknown command {command}\n{__doc__}")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
