"""Checks on examples/restaurant that need neither rasa_sdk nor a trained model.

The actions package is written against rasa_sdk, which is not installed here, so these
tests compile every module, check its imports with ``ast``, and exercise the SDK-free
helper modules (parsing, orders, weather). They also check that the bot's YAML files
parse and agree with each other.
"""

from __future__ import annotations

import ast
import asyncio
import importlib
import importlib.util
import py_compile
import re
import sqlite3
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import httpx
import pytest
import yaml

EXAMPLE_DIR = Path(__file__).resolve().parents[2] / "examples" / "restaurant"
ACTIONS_DIR = EXAMPLE_DIR / "actions"
ACTION_MODULES = sorted(ACTIONS_DIR.glob("*.py"))
YAML_FILES = sorted(EXAMPLE_DIR.rglob("*.yml"))
ALLOWED_THIRD_PARTY = {"rasa_sdk", "httpx", "sqlalchemy", "dateutil"}
SDK_FREE_MODULES = ("parsing", "orders", "weather")
MIN_EXAMPLES_PER_INTENT = 15
# [text](type), [text](type:value), [text]{json} and [text][{json}, ...]
ANNOTATION = re.compile(r"\[([^\]]+?)\](?:\([^)]*\)|\{[^}]*\}|\[[^\]]*\])")


def _load_actions_module(name: str) -> ModuleType:
    """Imports actions/<name>.py as part of a uniquely named package (no sys.path change)."""
    package = "restaurant_example_actions"
    if package not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            package, ACTIONS_DIR / "__init__.py", submodule_search_locations=[str(ACTIONS_DIR)]
        )
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[package] = module
        spec.loader.exec_module(module)
    return importlib.import_module(f"{package}.{name}")


parsing = _load_actions_module("parsing")
orders = _load_actions_module("orders")
weather = _load_actions_module("weather")


def _read_yaml(relative: str) -> dict:
    return yaml.safe_load((EXAMPLE_DIR / relative).read_text(encoding="utf-8"))


def _imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def _nlu_examples() -> dict[str, list[str]]:
    """Intent (faq/<sub> kept apart) -> example texts with annotations removed."""
    examples: dict[str, list[str]] = {}
    for block in _read_yaml("data/nlu.yml")["nlu"]:
        if "intent" in block:
            lines = block["examples"].splitlines()
            texts = [ANNOTATION.sub(r"\1", line[2:].strip()) for line in lines if line[:2] == "- "]
            examples[block["intent"]] = texts
    return examples


def _domain_intents() -> set[str]:
    """Intent names of domain.yml (entries are names or one-key maps like `faq: {...}`)."""
    return {i if isinstance(i, str) else next(iter(i)) for i in _read_yaml("domain.yml")["intents"]}


def _dialogue_steps() -> list[dict]:
    steps = []
    for relative, key in [
        ("data/rules.yml", "rules"),
        ("data/stories.yml", "stories"),
        ("tests/test_stories.yml", "stories"),
    ]:
        for item in _read_yaml(relative)[key]:
            for step in item["steps"]:
                steps.extend(step.get("or", [step]))
    return steps


# --- the actions package ---------------------------------------------------------


@pytest.mark.parametrize("path", ACTION_MODULES, ids=lambda path: path.name)
def test_action_module_compiles(path: Path, tmp_path: Path) -> None:
    py_compile.compile(str(path), cfile=str(tmp_path / "module.pyc"), doraise=True)


@pytest.mark.parametrize("path", ACTION_MODULES, ids=lambda path: path.name)
def test_action_module_imports_only_allowed_packages(path: Path) -> None:
    third_party = _imported_roots(path) - set(sys.stdlib_module_names) - {"__future__"}
    assert third_party <= ALLOWED_THIRD_PARTY, f"{path.name} imports {third_party}"


@pytest.mark.parametrize("name", SDK_FREE_MODULES)
def test_helper_modules_do_not_need_the_sdk(name: str) -> None:
    assert "rasa_sdk" not in _imported_roots(ACTIONS_DIR / f"{name}.py")


def test_actions_module_defines_every_custom_action_of_the_domain() -> None:
    tree = ast.parse((ACTIONS_DIR / "actions.py").read_text(encoding="utf-8"))
    names = {
        node.body[-1].value.value
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef) and node.name == "name"
    }
    custom = {a for a in _read_yaml("domain.yml")["actions"] if not a.startswith("utter_")}
    assert names == custom


def test_seed_file_is_present_for_the_orders_table() -> None:
    statements = orders.seed_statements()
    assert statements[0].upper().startswith("CREATE TABLE ORDERS")
    assert all(statement.upper().startswith("INSERT") for statement in statements[1:])


# --- parsing helpers ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (4, 4),
        (4.0, 4),
        ("4", 4),
        ("4.0", 4),
        ("four", 4),
        ("Eight", 8),
        ("twenty", 20),
        ("twenty-one", 21),
        ("a couple", 2),
        ("a dozen", 12),
        ("party of 6", 6),
        ("the two of us", 2),
        (4.5, None),
        ("4 or 5", None),
        ("lots of us", None),
        ("", None),
        (None, None),
        (True, None),
    ],
)
def test_parse_party_size(value: object, expected: int | None) -> None:
    assert parsing.parse_party_size(value) == expected


@pytest.mark.parametrize(("size", "valid"), [(1, True), (20, True), (0, False), (21, False)])
def test_party_size_range(size: int, valid: bool) -> None:
    assert parsing.is_valid_party_size(size) is valid
    assert parsing.is_valid_party_size(None) is False


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7pm", "19:00"),
        ("7 pm", "19:00"),
        ("9 p.m.", "21:00"),
        ("19:30", "19:30"),
        ("around 7:45pm", "19:45"),
        ("8.30pm", "20:30"),
        ("at 8:30", "20:30"),
        ("tonight at 8", "20:00"),
        ("tomorrow at 7pm", "19:00"),
        ("8 o'clock", "20:00"),
        ("half past seven", "19:30"),
        ("quarter to eight", "19:45"),
        ("eight thirty", "20:30"),
        ("noon", "12:00"),
        ("midnight", "00:00"),
        ("11", "11:00"),
        ("10am", "10:00"),
        ("1:15pm", "13:15"),
    ],
)
def test_normalise_time(text: str, expected: str) -> None:
    assert parsing.normalise_time(text) == expected


@pytest.mark.parametrize("text", ["dinner time", "soon", "2024", "", None])
def test_normalise_time_rejects_text_without_a_clock_time(text: str | None) -> None:
    assert parsing.normalise_time(text) is None


def test_opening_hours() -> None:
    assert parsing.is_within_opening_hours("11:00")
    assert parsing.is_within_opening_hours("22:30")
    assert not parsing.is_within_opening_hours("10:59")
    assert not parsing.is_within_opening_hours("23:00")


@pytest.mark.parametrize(
    ("value", "expected"),
    [("thai", "thai"), (" Italian ", "italian"), ("Greek food", "greek"), ("vegan", None)],
)
def test_match_cuisine(value: str, expected: str | None) -> None:
    assert parsing.match_cuisine(value) == expected


# --- order look-ups ---------------------------------------------------------------


def test_find_order_seeds_an_empty_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'orders.db'}"
    order = orders.find_order(url, "ord-10002")
    assert order is not None
    assert (order.order_id, order.status, order.eta) == ("ORD-10002", "out for delivery", "19:40")
    assert "ORD-10002" in order.describe()
    assert orders.find_order(url, "ORD-99999") is None


def test_find_order_keeps_an_existing_orders_table(tmp_path: Path) -> None:
    path = tmp_path / "orders.db"
    with sqlite3.connect(path) as connection:
        connection.execute(
            "CREATE TABLE orders (order_id TEXT PRIMARY KEY, status TEXT, items TEXT, eta TEXT)"
        )
        connection.execute("INSERT INTO orders VALUES ('ORD-50000', 'delivered', 'soup', NULL)")
    url = f"sqlite:///{path}"
    assert orders.find_order(url, "ORD-50000").status == "delivered"
    assert orders.find_order(url, "ORD-10001") is None


def test_find_order_reports_an_unusable_database(tmp_path: Path) -> None:
    with pytest.raises(orders.OrderLookupFailed):
        orders.find_order(f"sqlite:///{tmp_path / 'missing' / 'orders.db'}", "ORD-10001")


def test_orders_db_url_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORDERS_DB_URL", "sqlite:///elsewhere.db")
    assert orders.orders_db_url() == "sqlite:///elsewhere.db"
    monkeypatch.delenv("ORDERS_DB_URL")
    assert orders.orders_db_url() == f"sqlite:///{ACTIONS_DIR / 'orders.db'}"


# --- weather look-ups -------------------------------------------------------------


def _weather_answer(status: int, body: object) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/weather"
        assert request.url.params["city"] == "Lisbon"
        return httpx.Response(status, json=body)

    return httpx.MockTransport(handle)


def test_fetch_weather_reads_the_report() -> None:
    body = {"city": "Lisbon", "summary": "Sunny", "temperature_c": 24.4}
    report = asyncio.run(
        weather.fetch_weather("Lisbon", "http://weather.test", _weather_answer(200, body))
    )
    assert report == weather.WeatherReport("Lisbon", "Sunny", 24.4)
    assert report.describe() == "Right now in Lisbon: sunny, 24°C."


@pytest.mark.parametrize(
    ("status", "body"), [(503, {"error": "down"}), (200, {"city": "Lisbon"}), (200, [1, 2])]
)
def test_fetch_weather_failures_become_weather_unavailable(status: int, body: object) -> None:
    with pytest.raises(weather.WeatherUnavailable):
        asyncio.run(
            weather.fetch_weather("Lisbon", "http://weather.test", _weather_answer(status, body))
        )


def test_weather_api_url_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WEATHER_API_URL", raising=False)
    assert weather.weather_api_url() == "http://localhost:8090"


# --- the bot's YAML files -------------------------------------------------------------


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda path: str(path.relative_to(EXAMPLE_DIR)))
def test_yaml_file_parses(path: Path) -> None:
    assert yaml.safe_load(path.read_text(encoding="utf-8")) is not None


def test_training_files_declare_version_3_1() -> None:
    for path in [EXAMPLE_DIR / "domain.yml", *sorted((EXAMPLE_DIR / "data").glob("*.yml"))]:
        assert yaml.safe_load(path.read_text(encoding="utf-8"))["version"] == "3.1", path.name


def test_every_intent_has_enough_examples() -> None:
    counts = {intent: len(texts) for intent, texts in _nlu_examples().items()}
    assert min(counts.values()) >= MIN_EXAMPLES_PER_INTENT, counts


def test_no_example_text_appears_twice() -> None:
    texts = [text.lower() for examples in _nlu_examples().values() for text in examples]
    assert [text for text, count in Counter(texts).items() if count > 1] == []


def test_nlu_intents_match_the_domain() -> None:
    domain_intents = _domain_intents()
    nlu_intents = {intent.split("/")[0] for intent in _nlu_examples()}
    assert nlu_intents == domain_intents


def test_every_faq_sub_intent_has_a_response() -> None:
    sub_intents = {i.split("/")[1] for i in _nlu_examples() if i.startswith("faq/")}
    responses = _read_yaml("data/responses.yml")["responses"]
    assert len(sub_intents) >= 5
    assert {f"utter_faq/{sub}" for sub in sub_intents} == set(responses)


def test_every_uttered_response_exists() -> None:
    domain = _read_yaml("domain.yml")
    used = {step["action"] for step in _dialogue_steps() if "action" in step}
    utterances = {action for action in used if action.startswith("utter_")} - {"utter_faq"}
    assert utterances <= set(domain["responses"])
    for slot in domain["forms"]["restaurant_booking_form"]["required_slots"]:
        assert f"utter_ask_{slot}" in domain["responses"]


def test_dialogue_intents_are_known() -> None:
    domain_intents = _domain_intents()
    used = {step["intent"].split("/")[0] for step in _dialogue_steps() if "intent" in step}
    assert used <= domain_intents | {"nlu_fallback"}
