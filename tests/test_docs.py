"""The docs must keep up with the code (the datasette habit): every command and option,
every setting, every data section and field, and every model is documented."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from django.apps import apps
from pydantic import BaseModel

from camwatch.cli import main
from camwatch.money.loading import SECTIONS as MONEY_SECTIONS
from camwatch.registry.loader import reference, schema
from camwatch.registry.loader.bundle import SECTIONS

DOCS = Path(__file__).resolve().parent.parent / "docs"
SRC = Path(__file__).resolve().parent.parent / "src" / "camwatch"


def doc(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def section(text: str, heading: str) -> str:
    """The text under a heading, up to the next heading of the same or higher level."""
    level = heading.split(" ")[0]
    start = text.index(heading)
    rest = text[start + len(heading) :]
    following = re.search(rf"^#{{1,{len(level)}}} ", rest, flags=re.MULTILINE)
    return rest[: following.start()] if following else rest


def all_commands() -> dict[str, click.Command]:
    """Every command by its full name, subcommands of groups included."""
    found: dict[str, click.Command] = {}
    for name, command in main.commands.items():
        if isinstance(command, click.Group):
            for sub_name, sub in command.commands.items():
                found[f"{name} {sub_name}"] = sub
        else:
            found[name] = command
    return found


@pytest.mark.parametrize("name", sorted(all_commands()))
def test_every_command_and_option_is_in_cli_md(name: str) -> None:
    text = doc("cli.md")
    body = section(text, f"## `camwatch {name}`")
    command = all_commands()[name]
    for parameter in command.params:
        if isinstance(parameter, click.Option):
            for option in parameter.opts:
                assert f"`{option}`" in body, f"{option} of {name} is not in docs/cli.md"


def test_version_is_in_cli_md() -> None:
    assert "## `camwatch --version`" in doc("cli.md")


def settings_variables() -> set[str]:
    source = (SRC / "web" / "settings.py").read_text() + (
        SRC / "web" / "environment.py"
    ).read_text()
    found = set(re.findall(r"env_(?:bool|int|list)\(\s*\"([A-Z_]+)\"", source))
    found |= set(re.findall(r"os\.environ\.get\(\s*\"([A-Z_]+)\"", source))
    return found


def test_every_setting_is_in_configuration_md() -> None:
    variables = settings_variables()
    assert {"DATABASE_URL", "SECRET_KEY", "CAMWATCH_DEBUG", "CAMWATCH_DATA_DIR"} <= variables
    table_rows = set(re.findall(r"^\| `([A-Z_]+)` \|", doc("configuration.md"), flags=re.MULTILINE))
    assert variables - table_rows == set()


def test_test_variables_are_in_configuration_md() -> None:
    used = set()
    for path in (Path(__file__).parent).rglob("*.py"):
        used |= set(re.findall(r"\"(CAMWATCH_[A-Z_]+)\"", path.read_text()))
    text = doc("configuration.md")
    assert {name for name in used if f"`{name}`" not in text} == set()


def fields_of(model: type[BaseModel]) -> set[str]:
    return set(model.model_fields)


ALL_SECTIONS = {**SECTIONS, **MONEY_SECTIONS}


@pytest.mark.parametrize("name", sorted([*ALL_SECTIONS, "investigation", "council_reference"]))
def test_every_data_section_and_field_is_in_data_md(name: str) -> None:
    body = section(doc("data.md"), f"### `{name}`")
    record = {
        **ALL_SECTIONS,
        "investigation": schema.InvestigationRecord,
        "council_reference": reference.CouncilReference,
    }[name]
    missing = {field for field in fields_of(record) if f"`{field}`" not in body}
    assert missing == set(), f"fields of {name} missing from docs/data.md: {missing}"


DOCUMENTED_APPS = ("registry", "foi", "coding", "sightings", "money")


def test_every_model_is_in_data_model_md() -> None:
    text = doc("data-model.md")
    models = {
        model.__name__ for app in DOCUMENTED_APPS for model in apps.get_app_config(app).get_models()
    }
    documented = set(re.findall(r"^### (\w+)", text, flags=re.MULTILINE))
    historical = {name for name in models if name.startswith("Historical")}
    assert models - historical - documented == set()


def test_readme_gives_the_two_commands() -> None:
    readme = (DOCS.parent / "README.md").read_text()
    assert "make run" in readme
    assert "make test" in readme
    index = doc("README.md")
    for page in DOCS.glob("*.md"):
        if page.name != "README.md":
            assert f"({page.name})" in index, f"docs/README.md does not link {page.name}"


@pytest.mark.parametrize(
    "model",
    [
        m
        for app in DOCUMENTED_APPS
        for m in apps.get_app_config(app).get_models()
        if not m.__name__.startswith("Historical")
    ],
    ids=lambda model: model.__name__,
)
def test_every_model_field_is_in_data_model_md(model: type) -> None:
    text = doc("data-model.md")
    body = section(text, f"### {model.__name__}")
    if model.__name__ in ("BodyKind", "DeviceType", "Capability"):
        body = section(text, "## Vocabularies")  # the common term fields are described once
    inherited = {"id", "created", "modified", "search_text"}
    fields = {f.name for f in model._meta.get_fields() if f.concrete and not f.auto_created}
    # A partial date's `x_precision` companion is documented with `x`.
    fields = {name.removesuffix("_precision") for name in fields}
    missing = {name for name in fields - inherited if f"`{name}`" not in body}
    assert missing == set(), f"{model.__name__} fields missing from docs/data-model.md: {missing}"


def test_every_disclosure_column_is_in_data_md() -> None:
    from camwatch.findings.disclosures import DisclosureRow

    body = section(doc("data.md"), "## Disclosures files")
    missing = {name for name in DisclosureRow.model_fields if f"`{name}`" not in body}
    assert missing == set()
