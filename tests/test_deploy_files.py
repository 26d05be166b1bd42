"""The deployment material in deploy/ is valid and agrees with PyDBPro itself.

No container engine or cluster runs here, so this is what can be checked without one: every
Kubernetes manifest against the Kubernetes API schemas (kubernetes-validate, strict: an
unknown or misspelt field fails), compose.yaml against the Compose specification's schema
(vendored in check-jsonschema), nginx's own syntax check of the proxy configuration with a
certificate from deploy/make-cert.sh, and that the settings, addresses, probes and time
limits in these files are ones PyDBPro accepts and agree with each other.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from pydbpro.settings import Settings, SettingsError
from pydbpro.settings_loading import accepted_names, load_settings

ROOT = Path(__file__).parents[1]
DEPLOY = ROOT / "deploy"
KUBERNETES = DEPLOY / "kubernetes"
COMPOSE = DEPLOY / "compose.yaml"
NGINX_CONF = DEPLOY / "nginx" / "pydbpro.conf"
#: The oldest Kubernetes the manifests are meant for, and the newest the validator knows.
KUBERNETES_VERSIONS = ("1.30", kubernetes_validate.latest_version())
#: Not a Kubernetes resource (kustomize's own file) / not installed by `kubectl apply -k`.
KUSTOMIZATION = "kustomization.yaml"
SECRET_EXAMPLE = "secret.example.yaml"
#: Settings the deployment files name before Settings has them (none at the moment).
PENDING_SETTINGS: set[str] = set()
STRONG = "Zx9kQ2mP7vR4tY8wB3nL6jH1gF5dS0aE-deploy_test"
LIVE, READY = "/api/health/live", "/api/health/ready"
#: The longest an export may run by default (its documented default, not this run's env).
EXPORT_QUERY_TIME = float(Settings.model_fields["export_query_time"].default)


def _manifests() -> list[Path]:
    return sorted(path for path in KUBERNETES.glob("*.yaml") if path.name != KUSTOMIZATION)


def _documents(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]


def _resource(kind: str) -> dict[str, Any]:
    found = [doc for path in _manifests() for doc in _documents(path) if doc["kind"] == kind]
    assert len(found) == 1, f"expected one {kind}, found {len(found)}"
    return found[0]


def _compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _instances(compose: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: svc for name, svc in compose["services"].items() if "build" in svc}


def _graceful_timeout() -> float:
    with (ROOT / "src" / "pydbpro" / "hypercorn.toml").open("rb") as file:
        return float(tomllib.load(file)["graceful_timeout"])


def _seconds(duration: str) -> float:
    """A compose or nginx duration ("45s", "2m", "330") in seconds."""
    match = re.fullmatch(r"(\d+)(ms|s|m|h)?", duration.strip())
    assert match, f"not a duration: {duration!r}"
    scale = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, None: 1}[match.group(2)]
    return int(match.group(1)) * scale


# --- Kubernetes ---------------------------------------------------------------------------


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("path", _manifests(), ids=lambda path: path.name)
def test_every_kubernetes_manifest_matches_the_api_schema(path: Path, version: str) -> None:
    documents = _documents(path)
    assert documents, f"{path.name} holds no resource"
    for document in documents:
        kubernetes_validate.validate(document, version, strict=True)


def test_the_kubernetes_validation_is_strict() -> None:
    """A misspelt field fails, so the test above would catch one."""
    deployment = _resource("Deployment")
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    container["readinesProbe"] = container["readinessProbe"]
    with pytest.raises(kubernetes_validate.ValidationError, match="readinesProbe"):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSIONS[0], strict=True)


def test_kustomization_installs_every_manifest_but_the_secret_example() -> None:
    kustomization = yaml.safe_load((KUBERNETES / KUSTOMIZATION).read_text(encoding="utf-8"))
    assert kustomization["kind"] == "Kustomization"
    expected = {path.name for path in _manifests()} - {SECRET_EXAMPLE}
    assert sorted(kustomization["resources"]) == sorted(expected)


def test_the_deployment_probes_the_health_endpoints_and_is_locked_down() -> None:
    pod = _resource("Deployment")["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert container["livenessProbe"]["httpGet"]["path"] == LIVE
    assert container["startupProbe"]["httpGet"]["path"] == LIVE
    assert container["readinessProbe"]["httpGet"]["path"] == READY
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault"
    security = container["securityContext"]
    assert security["readOnlyRootFilesystem"] is True
    assert security["allowPrivilegeEscalation"] is False
    assert security["capabilities"]["drop"] == ["ALL"]
    mounted = {mount["mountPath"] for mount in container["volumeMounts"]}
    assert {"/tmp", _resource("ConfigMap")["data"]["DATA_DIR"]} <= mounted  # noqa: S108
    assert {"requests", "limits"} <= set(container["resources"])
    sources = {next(iter(ref.values()))["name"] for ref in container["envFrom"]}
    assert sources == {
        _resource("ConfigMap")["metadata"]["name"],
        _resource("Secret")["metadata"]["name"],
    }


def test_pods_get_longer_to_stop_than_hypercorn_takes() -> None:
    pod = _resource("Deployment")["spec"]["template"]["spec"]
    command = pod["containers"][0]["lifecycle"]["preStop"]["exec"]["command"]
    assert command[0] == "sleep"
    assert pod["terminationGracePeriodSeconds"] > float(command[1]) + _graceful_timeout()


def test_scaling_keeps_two_replicas() -> None:
    deployment = _resource("Deployment")
    hpa = _resource("HorizontalPodAutoscaler")
    pdb = _resource("PodDisruptionBudget")
    assert deployment["spec"]["replicas"] >= 2
    assert hpa["spec"]["minReplicas"] >= 2
    assert hpa["spec"]["scaleTargetRef"]["name"] == deployment["metadata"]["name"]
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert pdb["spec"]["selector"]["matchLabels"].items() <= labels.items()
    fewest = min(deployment["spec"]["replicas"], hpa["spec"]["minReplicas"])
    assert pdb["spec"]["maxUnavailable"] < fewest  # a drain leaves one serving


def test_the_ingress_lets_exports_stream_as_long_as_they_may_run() -> None:
    annotations = _resource("Ingress")["metadata"]["annotations"]
    prefix = "nginx.ingress.kubernetes.io/"
    assert annotations[prefix + "proxy-buffering"] == "off"
    assert int(annotations[prefix + "proxy-read-timeout"]) > EXPORT_QUERY_TIME
    assert not any("affinity" in name for name in annotations)  # no sticky sessions


# --- settings: the names and values the files give PyDBPro ---------------------------------


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[pytest.MonkeyPatch]:
    """No PyDBPro setting from the test run's own environment, no .env file."""
    known = accepted_names(Settings.model_fields)
    for name in list(os.environ):
        if name.upper() in known or name.upper() in PENDING_SETTINGS:
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    yield monkeypatch


def _accepted(env: Mapping[str, str], monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings as PyDBPro reads ``env`` at start-up; every name must be a setting."""
    known = accepted_names(Settings.model_fields)
    unknown = set(env) - set(known) - PENDING_SETTINGS
    assert not unknown, f"not PyDBPro settings: {sorted(unknown)}"
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = load_settings(report=False)
    settings.check_serving()
    return settings


def _interpolate(value: str, variables: Mapping[str, str]) -> str:
    """Compose's ${NAME}, ${NAME:-default} and ${NAME:?message}, as `compose up` does."""

    def one(match: re.Match[str]) -> str:
        name, operator, rest = match.group(1), match.group(2), match.group(3)
        given = variables.get(name, "")
        if operator == ":?" and not given:
            raise ValueError(f"{name}: {rest}")
        return given or (rest if operator == ":-" else "")

    return re.sub(r"\$\{([A-Z_][A-Z0-9_]*)(?:(:[-?])([^}]*))?\}", one, value)


def _example_variables() -> dict[str, str]:
    lines = (DEPLOY / "compose.env.example").read_text(encoding="utf-8").splitlines()
    pairs = (line.split("=", 1) for line in lines if line and not line.startswith("#"))
    return {name.strip(): value.strip() for name, value in pairs}


def test_the_compose_example_env_holds_no_secret_and_compose_refuses_it() -> None:
    variables = _example_variables()
    for name in ("SECRET_KEY", "STORE_PASSWORD", "ADMIN_PASSWORD", "DATABASE_URL"):
        assert variables[name] == "", f"{name} must be left for the operator to fill in"
    environment = _instances(_compose())["pydbpro-1"]["environment"]
    with pytest.raises(ValueError, match="SECRET_KEY"):
        _interpolate(environment["SECRET_KEY"], variables)


def test_the_compose_instances_start_with_their_settings(clean_env: pytest.MonkeyPatch) -> None:
    compose = _compose()
    variables = {**_example_variables(), "SECRET_KEY": STRONG, "STORE_PASSWORD": "pw-123",
                 "ADMIN_PASSWORD": "a long passphrase",
                 "DATABASE_URL": "postgresql://ro:pw@db.example.com:5432/sales"}  # fmt: skip
    instances = _instances(compose)
    assert len(instances) >= 2
    environments = [
        {name: _interpolate(str(value), variables) for name, value in svc["environment"].items()}
        for svc in instances.values()
    ]
    assert all(env == environments[0] for env in environments), "instances must agree"
    settings = _accepted(environments[0], clean_env)
    assert settings.secret_key is not None
    assert settings.app_database_url and settings.app_database_url.startswith("postgresql://")
    assert "@store:" in settings.app_database_url
    assert settings.preferred_url_scheme == "https"
    assert settings.host == "0.0.0.0"  # noqa: S104 -- inside the container


def test_the_kubernetes_pods_start_with_their_settings(clean_env: pytest.MonkeyPatch) -> None:
    env = {**_resource("ConfigMap")["data"], **_resource("Secret")["stringData"]}
    with pytest.raises(SettingsError, match="SECRET_KEY"):
        _accepted(env, clean_env)  # the example's placeholder is refused
    settings = _accepted({**env, "SECRET_KEY": STRONG}, clean_env)
    assert settings.app_database_url and settings.app_database_url.startswith("postgresql://")
    assert settings.preferred_url_scheme == "https"
    assert settings.trusted_proxies
    (container,) = _resource("Deployment")["spec"]["template"]["spec"]["containers"]
    assert container["ports"][0]["containerPort"] == settings.port


# --- compose ------------------------------------------------------------------------------


def test_compose_file_matches_the_compose_specification() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.compose-spec",
         str(COMPOSE)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_instances_are_checked_and_started_in_order() -> None:
    compose = _compose()
    services = compose["services"]
    for name, svc in _instances(compose).items():
        assert svc["build"]["context"] == ".." and svc["build"]["dockerfile"] == "Containerfile"
        assert LIVE in " ".join(svc["healthcheck"]["test"]), name
        assert _seconds(svc["stop_grace_period"]) > _graceful_timeout(), name
        for dependency, condition in svc["depends_on"].items():
            assert condition == {"condition": "service_healthy"}, name
            assert "healthcheck" in services[dependency], dependency
    proxy_needs = services["proxy"]["depends_on"]
    assert set(proxy_needs) == set(_instances(compose))
    assert all(need == {"condition": "service_healthy"} for need in proxy_needs.values())


def test_the_instances_trust_the_proxy_and_only_the_proxy() -> None:
    compose = _compose()
    services = compose["services"]
    proxy_address = services["proxy"]["networks"]["edge"]["ipv4_address"]
    for name, svc in _instances(compose).items():
        assert svc["environment"]["TRUSTED_PROXIES"] == proxy_address, name
    subnet = compose["networks"]["edge"]["ipam"]["config"][0]["subnet"]
    assert proxy_address.rsplit(".", 1)[0] == subnet.split("/")[0].rsplit(".", 1)[0]


# --- nginx --------------------------------------------------------------------------------


def _nginx_upstreams() -> list[str]:
    return re.findall(r"^\s*server\s+([\w.-]+):8000\b", NGINX_CONF.read_text(), re.MULTILINE)


def test_nginx_balances_over_every_instance_without_affinity() -> None:
    conf = NGINX_CONF.read_text(encoding="utf-8")
    assert sorted(_nginx_upstreams()) == sorted(_instances(_compose()))
    assert not re.search(r"^\s*(ip_hash|hash|sticky)\b", conf, re.MULTILINE)
    for header in ("X-Forwarded-For", "X-Forwarded-Proto"):
        assert re.search(rf"proxy_set_header\s+{header}\s", conf), header


def test_nginx_streams_exports_as_long_as_they_may_run() -> None:
    conf = NGINX_CONF.read_text(encoding="utf-8")
    match = re.search(r"location ~ (\S+) \{(.*?)\}", conf, re.DOTALL)
    assert match, "expected a location for the export routes"
    pattern, body = re.compile(match.group(1)), match.group(2)
    for path in ("/api/tables/public.big/export/csv", "/api/query/export/xlsx"):
        assert pattern.search(path), path
    assert not pattern.search("/api/tables/public.big/rows")
    assert re.search(r"proxy_buffering\s+off;", body)
    timeout = re.search(r"proxy_read_timeout\s+(\w+);", body)
    assert timeout and _seconds(timeout.group(1)) > EXPORT_QUERY_TIME


def _make_cert(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(DEPLOY / "make-cert.sh"), *args],
        env={**os.environ, "CERT_DIR": str(folder)},
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_make_cert_writes_a_certificate_and_never_overwrites_a_key(tmp_path: Path) -> None:
    first = _make_cert(tmp_path, "pydbpro.example.com")
    assert first.returncode == 0, first.stderr
    key = tmp_path / "pydbpro.key"
    assert key.stat().st_mode & 0o077 == 0, "the private key is readable by others"
    before = key.read_bytes()
    again = _make_cert(tmp_path)
    assert again.returncode != 0 and "exists" in again.stderr
    assert key.read_bytes() == before


def _require_nginx() -> str:
    nginx = shutil.which("nginx") or next(
        (path for path in ("/usr/sbin/nginx",) if Path(path).is_file()), None
    )
    if nginx:
        return nginx
    if os.environ.get("CI") == "true":
        pytest.fail("nginx is not installed (.ci/run installs it): the proxy config is unchecked")
    pytest.skip("!!! nginx is not installed (apt-get install nginx): proxy config NOT checked")


def test_nginx_accepts_the_proxy_config(tmp_path: Path) -> None:
    """`nginx -t` on deploy/nginx/pydbpro.conf as the container mounts it, with only what
    exists in the container alone changed: the instances' names (resolved by compose's DNS)
    become 127.0.0.1 and the certificate and log paths point into a temporary folder."""
    nginx = _require_nginx()
    certs = tmp_path / "certs"
    made = _make_cert(certs)
    assert made.returncode == 0, made.stderr
    site = NGINX_CONF.read_text(encoding="utf-8")
    for name in _nginx_upstreams():
        site = site.replace(f"{name}:8000", "127.0.0.1:8000")
    site = site.replace("/etc/nginx/certs/", f"{certs}/").replace("/var/log/nginx/", f"{tmp_path}/")
    (tmp_path / "site.conf").write_text(site, encoding="utf-8")
    main = tmp_path / "nginx.conf"
    main.write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n  access_log {tmp_path}/access.log;\n  include {tmp_path}/site.conf;\n}}\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(main)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr
