"""Campaigns from a spec file: who is asked (by filter or from a CSV list), what each kind
of body is asked, and one drafted request per body.

`load_campaign()` is transactional and idempotent: a rerun with the same spec changes
nothing, a changed template rewrites requests that are still drafts, and requests that
have gone out are never touched. Every problem names the file, line and field.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import mimetypes
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.validators import EmailValidator, ValidationError
from django.db import transaction
from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic import ValidationError as SchemaError

from camwatch.foi import calendar, wording
from camwatch.foi.models import Campaign, CampaignFile, QuestionTemplate, Request
from camwatch.foi.states import State
from camwatch.registry import models as m
from camwatch.registry.loader.errors import DataFileError
from camwatch.registry.loader.files import line_of, read_yaml, strip_lines

SCHOOL_KINDS = frozenset({"school"})


class CampaignError(ValueError):
    """Problems with a campaign spec, each naming where it is."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TemplateSpec(_Spec):
    kind: str | None = None
    group: str | None = None
    subject: str = Field(min_length=1, max_length=300)
    body: str = Field(min_length=1)

    @model_validator(mode="after")
    def _one_target(self) -> TemplateSpec:
        if bool(self.kind) == bool(self.group):
            raise ValueError("give a kind or a group, not both")
        return self


class TargetSpec(_Spec):
    kinds: list[str] = Field(default_factory=list)
    groups: list[str] = Field(default_factory=list)
    nations: list[str] = Field(default_factory=list)
    regions: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    bodies: list[str] = Field(default_factory=list)
    csv: str | None = None


class CampaignSpec(_Spec):
    slug: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)
    title: str = Field(min_length=1, max_length=300)
    description: str = ""
    requester_name: str = Field(min_length=1, max_length=200)
    embargo_until: dt.date | None = None
    owner: str | None = None
    collaborators: list[str] = Field(default_factory=list)
    regime: Literal["foia", "foisa", "eir"] | None = None
    targets: TargetSpec
    templates: list[TemplateSpec] = Field(min_length=1)
    attachments: list[str] = Field(default_factory=list)


@dataclass
class LoadReport:
    campaign: str
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    no_template: list[str] = field(default_factory=list)
    no_address: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # drafts for bodies no longer targeted

    def as_dict(self) -> dict[str, Any]:
        return {
            "campaign": self.campaign,
            "removed": self.removed,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "no_template": self.no_template,
            "no_address": self.no_address,
        }


def read_spec(path: Path) -> CampaignSpec:
    """A spec file, read as the bundled data is (safe YAML, size limit, no duplicate
    keys); each problem names the file, the line and the field."""
    try:
        located = read_yaml(path, settings.CAMWATCH_MAX_DATA_FILE_BYTES)
    except (OSError, DataFileError) as error:
        raise CampaignError([str(error)]) from error
    try:
        return CampaignSpec.model_validate(strip_lines(located.data))
    except SchemaError as error:
        problems = []
        for item in error.errors():
            field = ".".join(str(part) for part in item["loc"]) or "top level"
            line = line_of(located.data, item["loc"], 1)
            problems.append(f"{path}:{line}: {field}: {item['msg']}")
        raise CampaignError(problems) from error


def _check_templates(path: Path, spec: CampaignSpec) -> list[str]:
    problems = []
    kinds = set(m.BodyKind.objects.values_list("slug", flat=True))
    groups = set(m.BodyKind.objects.values_list("group", flat=True))
    for n, template in enumerate(spec.templates):
        where = f"{path}: templates.{n} ({template.kind or 'group ' + str(template.group)})"
        if template.kind and template.kind not in kinds:
            problems.append(f"{where}: unknown body kind {template.kind!r}")
        if template.group and template.group not in groups:
            problems.append(f"{where}: unknown body-kind group {template.group!r}")
        for part in ("subject", "body"):
            try:
                wording.fields_in(
                    getattr(template, part), f"{where}.{part}", wording.REQUEST_FIELDS
                )
            except wording.TemplateError as error:
                problems.append(str(error))
    return problems


@dataclass(frozen=True)
class Target:
    body: m.PublicBody
    email: str  # from the CSV list, else the body's own FOI address


def _filtered(spec: TargetSpec) -> list[m.PublicBody]:
    if not any((spec.kinds, spec.groups, spec.nations, spec.regions, spec.tags)):
        return []
    bodies = m.PublicBody.objects.current().select_related("kind")
    if spec.kinds:
        bodies = bodies.filter(kind__slug__in=spec.kinds)
    if spec.groups:
        bodies = bodies.filter(kind__group__in=spec.groups)
    if spec.nations:
        bodies = bodies.filter(nation__in=spec.nations)
    if spec.regions:
        bodies = bodies.filter(region__in=spec.regions)
    found = list(bodies.order_by("name"))
    if spec.tags:  # a JSON list: matched here, the same on SQLite and PostgreSQL
        found = [body for body in found if set(spec.tags) & set(body.tags)]
    return found


def find_body(value: str) -> m.PublicBody | None:
    """A body by slug, official code, exact name or alias."""
    text = value.strip()
    bodies = m.PublicBody.objects.select_related("kind")
    found = bodies.filter(slug=text).first() or (
        bodies.filter(official_code=text.upper()).first() if text else None
    )
    if found is None:
        named = list(bodies.filter(name__iexact=text)[:2])
        found = named[0] if len(named) == 1 else None
    if found is None:
        folded = text.casefold()
        aliased = [b for b in bodies.exclude(aliases=[]) if folded in map(str.casefold, b.aliases)]
        found = aliased[0] if len(aliased) == 1 else None
    return found


def _from_csv(path: Path) -> tuple[list[Target], list[str]]:
    """Targets from a CSV with a `body` column (slug, GSS code or name) and an optional
    `email` column."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        return [], [f"{path}: {error}"]
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "body" not in reader.fieldnames:
        return [], [f"{path}:1: the header needs a 'body' column (and may have 'email')"]
    targets, problems = [], []
    validate = EmailValidator()
    for line, row in enumerate(reader, start=2):
        body = find_body(row.get("body") or "")
        if body is None:
            problems.append(f"{path}:{line}: body: no public body {row.get('body')!r}")
            continue
        email = (row.get("email") or "").strip()
        try:
            if email:
                validate(email)
        except ValidationError:
            problems.append(f"{path}:{line}: email: {email!r} is not an email address")
            continue
        targets.append(Target(body, email))
    return targets, problems


def resolve_targets(path: Path, spec: TargetSpec) -> tuple[list[Target], list[str]]:
    targets = [Target(body, "") for body in _filtered(spec)]
    problems = []
    for n, value in enumerate(spec.bodies):
        body = find_body(value)
        if body is None:
            problems.append(f"{path}: targets.bodies.{n}: no public body {value!r}")
        else:
            targets.append(Target(body, ""))
    if spec.csv:
        listed, csv_problems = _from_csv((path.parent / spec.csv).resolve())
        targets += listed
        problems += csv_problems
    unique: dict[int, Target] = {}
    for target in targets:  # a CSV address overrides the body's own
        if target.body.pk not in unique or target.email:
            unique[target.body.pk] = target
    if not unique and not problems:
        problems.append(f"{path}: targets: no public body matches")
    return list(unique.values()), problems


def load_campaign(path: Path, actor: str, dry_run: bool = False) -> LoadReport:
    spec = read_spec(path)
    problems = _check_templates(path, spec)
    problems += _check_filters(path, spec.targets)
    targets, target_problems = resolve_targets(path, spec.targets)
    problems += target_problems + _check_people(path, spec) + _check_files(path, spec)
    if problems:
        raise CampaignError(problems)
    with transaction.atomic():
        campaign = _campaign(spec)
        report = _requests(campaign, targets, spec, actor)
        if dry_run:
            transaction.set_rollback(True)
        else:  # files last, so that a dry run writes nothing to the file store either
            _files(campaign, [path.parent / name for name in spec.attachments])
    return report


def _check_filters(path: Path, spec: TargetSpec) -> list[str]:
    """A filter value that matches nothing is a typo until shown otherwise."""
    bodies = m.PublicBody.objects.current()
    known = {
        "kinds": set(m.BodyKind.objects.values_list("slug", flat=True)),
        "groups": set(m.BodyKind.objects.values_list("group", flat=True)),
        "nations": {value for value, _ in m.Nation.choices},
        "regions": set(bodies.values_list("region", flat=True)),
        "tags": {
            tag for tags in bodies.exclude(tags=[]).values_list("tags", flat=True) for tag in tags
        },
    }
    return [
        f"{path}: targets.{name}.{n}: no body has {name[:-1]} {value!r}"
        for name, values in known.items()
        for n, value in enumerate(getattr(spec, name))
        if value not in values
    ]


def _check_people(path: Path, spec: CampaignSpec) -> list[str]:
    users = get_user_model().objects
    names = [("owner", spec.owner)] if spec.owner else []
    names += [(f"collaborators.{n}", name) for n, name in enumerate(spec.collaborators)]
    return [
        f"{path}: {where}: no user {name!r} (create one with camwatch manage createsuperuser)"
        for where, name in names
        if not users.filter(username=name).exists()
    ]


def _check_files(path: Path, spec: CampaignSpec) -> list[str]:
    problems = [
        f"{path}: attachments.{n}: no file {name!r}"
        for n, name in enumerate(spec.attachments)
        if not (path.parent / name).is_file()
    ]
    seen: dict[str, int] = {}
    for n, name in enumerate(spec.attachments):
        base = Path(name).name
        if base in seen:  # a letter is attached under its file name alone
            problems.append(f"{path}: attachments.{n}: a second file named {base!r}")
        seen.setdefault(base, n)
    return problems


def _campaign(spec: CampaignSpec) -> Campaign:
    users = get_user_model().objects
    campaign, _ = Campaign.objects.update_or_create(
        slug=spec.slug,
        defaults={
            "title": spec.title,
            "description": spec.description,
            "requester_name": spec.requester_name,
            "embargo_until": spec.embargo_until,
            "owner": users.get(username=spec.owner) if spec.owner else None,
        },
    )
    campaign.collaborators.set(users.filter(username__in=spec.collaborators))
    _templates(campaign, spec.templates)
    return campaign


def _templates(campaign: Campaign, templates: Iterable[TemplateSpec]) -> None:
    keep = []
    for item in templates:
        kind = m.BodyKind.objects.get(slug=item.kind) if item.kind else None
        found, _ = QuestionTemplate.objects.update_or_create(
            campaign=campaign, kind=kind, group=item.group or "",
            defaults={"subject": item.subject, "body": item.body},
        )  # fmt: skip
        keep.append(found.pk)
    campaign.templates.exclude(pk__in=keep).delete()


def _files(campaign: Campaign, paths: list[Path]) -> None:
    """The campaign's attachments: as the spec lists them, replaced when their content
    changes (the old copy is deleted from the file store too)."""
    names = {p.name for p in paths}
    for stale in campaign.files.exclude(name__in=names):
        stale.file.delete(save=False)
        stale.delete()
    for item in paths:
        data = item.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        stored = campaign.files.filter(name=item.name).first()
        if stored is not None and stored.sha256 == digest:
            continue
        if stored is not None:
            stored.file.delete(save=False)
        stored = stored or CampaignFile(campaign=campaign, name=item.name)
        stored.sha256 = digest
        stored.content_type = mimetypes.guess_type(item.name)[0] or "application/octet-stream"
        stored.file.save(item.name, ContentFile(data), save=True)


def template_for(campaign: Campaign, body: m.PublicBody) -> QuestionTemplate | None:
    templates = list(campaign.templates.select_related("kind"))
    exact = [t for t in templates if t.kind_id == body.kind_id]
    grouped = [t for t in templates if t.group and t.group == body.kind.group]
    return (exact or grouped or [None])[0]


def _requests(
    campaign: Campaign, targets: list[Target], spec: CampaignSpec, actor: str
) -> LoadReport:
    report = LoadReport(campaign.slug)
    existing = {r.body_id: r for r in campaign.requests.all()}
    wanted = {target.body.pk for target in targets}
    for body_id, request in existing.items():
        if body_id not in wanted and request.state == State.DRAFT and not request.messages.exists():
            report.removed.append(request.reference)  # never sent: nothing to keep
            request.delete()
    number = _last_number(campaign)
    for target in sorted(targets, key=lambda t: t.body.name):
        template = template_for(campaign, target.body)
        if template is None:
            report.no_template.append(target.body.slug)
            continue
        request = existing.get(target.body.pk)
        if request is None:
            number += 1
            request = Request(campaign=campaign, body=target.body)
            request.reference = f"CW-{campaign.pk}-{number}"
        if request.pk and request.state != State.DRAFT:
            report.unchanged += 1
            continue
        changed = _draft(request, template, target, spec)
        if request.pk is None:
            request.save()
            request.log("created", actor, f"drafted from the {template.label}")
            report.created.append(request.reference)
        elif changed:
            request.save()
            request.log("redrafted", actor, f"redrafted from the {template.label}")
            report.updated.append(request.reference)
        else:
            report.unchanged += 1
        if not request.to_email:
            report.no_address.append(request.reference)
    return report


def _last_number(campaign: Campaign) -> int:
    """The highest request number the campaign has ever given, deleted drafts included
    (their history remains), so that no reference or reply address is given twice."""
    references = Request.history.filter(campaign_id=campaign.pk).values_list("reference", flat=True)
    return max((int(ref.rsplit("-", 1)[1]) for ref in references), default=0)


def _draft(
    request: Request, template: QuestionTemplate, target: Target, spec: CampaignSpec
) -> bool:
    """Fill the request in from its template; True if anything changed."""
    body = target.body
    fields: dict[str, Any] = {
        "regime": calendar.Regime(spec.regime or body.foi_regime or "foia").value,
        "school": body.kind.slug in SCHOOL_KINDS,
        "to_email": target.email or body.foi_email,
    }
    before = {name: getattr(request, name) for name in ("subject", "text", *fields)}
    for name, value in fields.items():
        setattr(request, name, value)
    render_request(request, template)
    return any(getattr(request, name) != value for name, value in before.items())


def render_request(request: Request, template: QuestionTemplate | None = None) -> None:
    """Write the request's subject and text from its template, with the values in force
    now (its reply address follows CAMWATCH_FOI_MAILBOX and the secret key): run when
    drafting and again just before sending."""
    template = template or template_for(request.campaign, request.body)
    if template is None:
        return  # a draft whose template has gone keeps the words it was drafted with
    campaign, regime = request.campaign, calendar.Regime(request.regime)
    values = {
        "body_name": request.body.name,
        "reference": request.reference,
        "requester_name": campaign.requester_name,
        "reply_to": request.reply_address,
        "campaign_title": campaign.title,
        "law": regime.label,
        "law_short": wording.SHORT_LAW[regime],
    }
    where = f"{campaign.slug}: {template.label}"
    subject = wording.render(template.subject, values, f"{where}.subject")
    if request.reference.lower() not in subject.lower():
        subject = f"{subject} [{request.reference}]"
    request.subject = subject
    request.text = wording.render(template.body, values, f"{where}.body")
