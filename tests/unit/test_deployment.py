"""The deployment files agree with the code: every built service is in docker-compose.yml, has
its database and its topics. Reads the files only; no Docker needed."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest
import yaml

from shared.messaging.topics import RETENTION_MS
from shared.metrics import Metrics
from shared.privacy.sharing import entitlements, readable_by, shared_categories

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
INFRASTRUCTURE = {"kafka", "postgres", "kafka-init", "kafka-security"}
# Services without topics of their own: they only read the others'.
WITHOUT_TOPICS = {"monitoring"}
# Processes with no store and no Kafka: clients of the services' HTTP APIs.
PORTAL = "portal"


def built_services() -> list[str]:
    """The event-sourced services: each with its database, topics and credential."""
    return sorted(
        p.parent.name for p in (ROOT / "services").glob("*/__main__.py") if p.parent.name != PORTAL
    )


def compose_services() -> dict[str, dict]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]


def environment(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {key: str(value) for key, value in env.items()}


def created_databases() -> set[str]:
    sql = (DEPLOY / "postgres-init.sql").read_text()
    return set(re.findall(r"CREATE DATABASE\s+\"?(\w+)\"?", sql, flags=re.IGNORECASE))


def load_create_topics():
    spec = importlib.util.spec_from_file_location("create_topics", DEPLOY / "create_topics.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def topics() -> dict[str, dict]:
    return {t["name"]: t for t in load_create_topics().load_topics()}


def test_some_service_is_built():
    assert "complaints" in built_services()


def test_compose_file_names_every_service():
    names = set(compose_services())
    missing = (set(built_services()) | INFRASTRUCTURE | {PORTAL}) - names
    assert not missing, f"docker-compose.yml lacks {sorted(missing)}"


@pytest.mark.parametrize("name", built_services())
def test_each_service_runs_its_module_from_the_project_image(name):
    service = compose_services()[name]
    assert service["build"]["dockerfile"] == "deploy/Dockerfile"
    assert service["command"] == [f"services.{name}"]


@pytest.mark.parametrize("name", built_services())
def test_each_service_is_told_where_kafka_and_its_database_are(name):
    env = environment(compose_services()[name])
    assert env.get("KAFKA_BOOTSTRAP_SERVERS") == "kafka:9092"
    url = env.get(f"{name.upper()}_DATABASE_URL", "")
    assert url.startswith("postgresql+asyncpg://"), url
    database = url.rsplit("/", 1)[-1]
    assert database in created_databases(), f"postgres-init.sql does not create {database}"
    assert env.get(f"{name.upper()}_HOST") == "0.0.0.0"
    assert env.get(f"{name.upper()}_PORT", "").isdigit()


def test_services_start_after_the_topics_and_the_database():
    for name in built_services():
        depends_on = compose_services()[name]["depends_on"]
        assert depends_on["kafka-init"]["condition"] == "service_completed_successfully"
        assert depends_on["postgres"]["condition"] == "service_healthy"


def test_kafka_init_creates_the_topics_from_the_project_image():
    init = compose_services()["kafka-init"]
    assert init["build"]["dockerfile"] == "deploy/Dockerfile"
    assert init["entrypoint"] == ["python", "deploy/create_topics.py"]
    assert init["depends_on"]["kafka-security"]["condition"] == "service_completed_successfully"


def test_postgres_runs_the_database_script_on_first_start():
    volumes = compose_services()["postgres"]["volumes"]
    assert any(
        v.startswith("./deploy/postgres-init.sql:/docker-entrypoint-initdb.d/") for v in volumes
    )


@pytest.mark.parametrize("name", sorted(set(built_services()) - WITHOUT_TOPICS))
def test_topics_file_has_the_topics_of_each_service(name, topics):
    for kind in ("events", "commands", "outcomes"):
        assert f"{name}.{kind}" in topics
        assert int(topics[f"{name}.{kind}"]["config"]["retention.ms"]) == RETENTION_MS[kind]
    for kind in ("events", "commands"):
        assert f"{name}.{kind}.dlq" in topics


def test_every_topic_has_partitions_and_a_replication_factor(topics):
    for topic in topics.values():
        assert topic["partitions"] >= 1, topic["name"]
        assert topic["replication_factor"] >= 1, topic["name"]


def test_events_need_two_in_sync_copies_in_production(topics):
    for name, topic in topics.items():
        if name.endswith(".events"):
            assert topic["config"]["min.insync.replicas"] == 2
            assert topic["replication_factor"] >= 3


def test_a_one_broker_replication_factor_also_lowers_min_insync_replicas():
    topics = load_create_topics().load_topics(replication_factor=1)
    for topic in topics:
        assert topic["replication_factor"] == 1
        assert topic["config"]["min.insync.replicas"] == 1


def test_topic_configs_are_sent_as_strings():
    module = load_create_topics()
    new_topic = module.new_topic(module.load_topics()[0])
    assert all(isinstance(v, str) for v in new_topic.topic_configs.values())


def test_dockerfile_installs_the_project():
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert "FROM python:3.11-slim" in dockerfile
    assert re.search(r"pip install\b.*\s\.(\s|$)", dockerfile, flags=re.MULTILINE)
    assert re.search(r"^USER\s+(?!root\b)\S+", dockerfile, flags=re.MULTILINE)
    assert 'ENTRYPOINT ["python", "-m"]' in dockerfile


# Issue 8, finding 1: in a deployment the broker authenticates every client and lets each write
# only what is its own.


def test_issue8_1_the_broker_authenticates_every_client_and_denies_what_no_acl_allows():
    kafka = environment(compose_services()["kafka"])
    protocols = dict(p.split(":") for p in kafka["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(","))
    listeners = dict(
        (name, address)
        for name, address in (x.split("://") for x in kafka["KAFKA_LISTENERS"].split(","))
    )
    for name, protocol in protocols.items():
        if protocol == "PLAINTEXT":  # only on the broker's own loopback, or the controller's
            assert name == "CONTROLLER" or listeners[name].startswith("127.0.0.1:"), name
    assert kafka["KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND"] == "false"
    assert kafka["KAFKA_AUTHORIZER_CLASS_NAME"].endswith("StandardAuthorizer")
    assert all(p.startswith("127.0.0.1:") for p in compose_services()["kafka"]["ports"])


@pytest.mark.parametrize("name", built_services())
def test_issue8_1_each_service_is_its_own_principal_with_its_own_credential(name):
    service = compose_services()[name]
    env = environment(service)
    assert env["KAFKA_SECURITY_PROTOCOL"].startswith("SASL")
    assert env["KAFKA_SASL_USERNAME"] == name
    assert f"MUTUALIS_KAFKA_PASSWORD_{name.upper()}" in env["KAFKA_SASL_PASSWORD"]
    targets = {s["target"] for s in service["secrets"]}
    # Each service's own credential, nobody else's; its own KEK.
    credentials = {t for t in targets if t.startswith("/run/trust/") and "/sharing/" not in t}
    assert credentials == {"/run/trust/root.pub", f"/run/trust/{name}.credential"}
    assert "/run/secrets/kek" in targets and env["MUTUALIS_KEK_FILE"] == "/run/secrets/kek"
    assert any(
        s == {"source": f"{name}-kek", "target": "/run/secrets/kek"} for s in service["secrets"]
    )


@pytest.mark.parametrize("name", built_services())
def test_principle7_a_service_holds_exactly_the_sharing_keys_it_is_entitled_to(name):
    targets = {s["target"] for s in compose_services()[name]["secrets"]}
    entitled = {(name, category) for category in shared_categories(name)} | readable_by(name)

    assert {t for t in targets if "/sharing/" in t} == {
        f"/run/trust/sharing/{owner}.{category}.key" for owner, category in entitled
    }


@pytest.mark.parametrize("owner", sorted(entitlements()))
def test_principle7_a_keys_topic_is_compacted_written_by_its_owner_read_by_the_entitled(
    owner, topics
):
    keys = f"{owner}.keys"
    script = (DEPLOY / "kafka" / "security.sh").read_text()
    granted = re.findall(r"^allow (\S+) (Read|Write) Describe -- (.+)$", script, re.MULTILINE)
    on_keys = [(who, how) for who, how, rest in granted if keys in rest.split()]

    assert topics[keys]["config"]["cleanup.policy"] == "compact"
    assert {who for who, how in on_keys if how == "Write"} == {owner}
    assert {who for who, how in on_keys if how == "Read"} == set().union(
        *entitlements()[owner].values()
    )


@pytest.mark.parametrize("name", sorted(set(built_services()) - WITHOUT_TOPICS))
def test_issue8_1_the_acls_let_a_service_read_exactly_the_events_it_subscribes_to(name):
    definition = importlib.import_module(f"services.{name}.app").definition
    sources = sorted({s for sub in definition.subscriptions for s in sub.services})
    script = (DEPLOY / "kafka" / "security.sh").read_text()
    [line] = [line for line in script.splitlines() if line.startswith(f"service {name} ")]
    assert sorted(line.split()[2:]) == sources


def test_issue8_1_only_staff_tooling_writes_commands():
    script = (DEPLOY / "kafka" / "security.sh").read_text()
    writers = re.findall(r"allow (\S+) Write[^\n]*\.commands\b(?!\.dlq)", script)
    assert writers == ["staff"]


# Issue 9, item 5: Prometheus scrapes every service's /metrics, and Grafana shows them.


def scrape_configs() -> dict[str, dict]:
    config = yaml.safe_load((DEPLOY / "prometheus" / "prometheus.yml").read_text())
    return {job["job_name"]: job for job in config["scrape_configs"]}


def dashboard() -> dict:
    return json.loads((DEPLOY / "grafana" / "dashboards" / "mutualis.json").read_text())


def expressions(board: dict) -> list[str]:
    return [t["expr"] for p in board["panels"] for t in p.get("targets", [])]


@pytest.mark.parametrize("name", built_services())
def test_issue9_5_every_built_service_is_a_prometheus_scrape_target(name):
    job = scrape_configs().get(name)
    assert job, f"deploy/prometheus/prometheus.yml has no job {name!r}"
    assert job.get("metrics_path", "/metrics") == "/metrics"
    port = environment(compose_services()[name])[f"{name.upper()}_PORT"]
    static = {t for c in job.get("static_configs", []) for t in c["targets"]}
    # Every replica: Docker's DNS answers the service name with each replica's address.
    resolved = {f"{n}:{c['port']}" for c in job.get("dns_sd_configs", []) for n in c["names"]}
    assert f"{name}:{port}" in static | resolved


def test_issue9_5_compose_runs_prometheus_and_grafana_on_the_deploy_files():
    services = compose_services()
    prometheus, grafana = services["prometheus"], services["grafana"]
    assert (
        "./deploy/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro"
        in prometheus["volumes"]
    )
    assert "./deploy/grafana/provisioning:/etc/grafana/provisioning:ro" in grafana["volumes"]
    assert "./deploy/grafana/dashboards:/var/lib/grafana/dashboards:ro" in grafana["volumes"]
    # Neither asks for a token on its own: the host reaches them on its loopback only.
    for service in (prometheus, grafana):
        assert all(p.startswith("127.0.0.1:") for p in service["ports"])
    assert "MUTUALIS_GRAFANA_PASSWORD" in environment(grafana)["GF_SECURITY_ADMIN_PASSWORD"]


def test_issue9_5_grafana_reads_the_provisioned_prometheus():
    provisioning = DEPLOY / "grafana" / "provisioning"
    [source] = yaml.safe_load((provisioning / "datasources" / "prometheus.yml").read_text())[
        "datasources"
    ]
    assert source["url"] == "http://prometheus:9090"
    [provider] = yaml.safe_load((provisioning / "dashboards" / "mutualis.yml").read_text())[
        "providers"
    ]
    assert provider["options"]["path"] == "/var/lib/grafana/dashboards"
    panels = [p for p in dashboard()["panels"] if p["type"] != "row"]
    assert {p["datasource"]["uid"] for p in panels} == {source["uid"]}


def test_issue9_5_the_dashboard_shows_every_metric_family():
    ours = {m.name for m in Metrics().registry.collect() if m.name.startswith("mutualis_")}
    kafka = {"faststream_published_messages"}
    shown = " ".join(expressions(dashboard()))
    missing = sorted(name for name in ours | kafka if name not in shown)
    assert not missing, f"the dashboard shows no {missing}"
    assert all('job=~"$service"' in expr for expr in expressions(dashboard()))


# Issue 10, principle 7: commands are sealed for their service under keys it publishes on a
# compacted topic of its own, which it alone writes and staff tooling reads.


@pytest.mark.parametrize("name", sorted(set(built_services()) - WITHOUT_TOPICS))
def test_issue10_p7_each_service_has_a_compacted_command_keys_topic(name, topics):
    topic = topics[f"{name}.command-keys"]
    assert topic["config"]["cleanup.policy"] == "compact"
    assert int(topic["config"]["retention.ms"]) == -1


def test_issue10_p7_a_service_writes_its_own_command_keys_and_staff_reads_them():
    script = (DEPLOY / "kafka" / "security.sh").read_text()
    # An allow, and its continuation line after a backslash.
    allows = re.findall(r"allow (\S+) (\w+)[^\n]*?(?:\\\n[^\n]*)?\.command-keys", script)
    # The service() function's "$name": each service its own.
    assert sorted(allows) == [('"$name"', "Write"), ("staff", "Read")]
    assert '--topic "$name.command-keys"' in script


def test_issue13_the_portal_runs_from_the_project_image_reads_the_services_and_sends_as_staff():
    portal = compose_services()[PORTAL]
    env = environment(portal)
    assert portal["command"] == ["services.portal"]
    assert set(portal["depends_on"]) == {
        "identity",
        "dossier",
        "payments",
        "einvoicing",
        "complaints",
    }
    assert env["PORTAL_IDENTITY_URL"] == "http://identity:8001"
    # The staff console's commands: as the staff principal, believing the trust root only.
    assert (env["KAFKA_SASL_USERNAME"], env["MUTUALIS_TRUST_DIR"]) == ("staff", "/run/trust")
    assert [s["source"] for s in portal["secrets"]] == ["trust-root"]
    assert env["PORTAL_SESSION_KEY"].startswith("${MUTUALIS_PORTAL_SESSION_KEY:?")
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert "npm ci" in dockerfile and "services/portal/node_modules" in dockerfile
