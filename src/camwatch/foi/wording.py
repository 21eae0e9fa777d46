"""The words camwatch sends: request templates with named fields, and the chasers and
review requests for each regime. Pure: no Django.

A template is plain text with fields in braces, `{body_name}`. Only the fields in FIELDS
may appear; anything else is an error that names the template and the field, found when
the template is saved, not when the 400th letter is written.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping

from camwatch.foi.calendar import Regime

FIELDS = {
    "body_name": "the public body's name",
    "reference": "camwatch's reference for the request, e.g. CW-3-17",
    "requester_name": "the name the campaign signs with",
    "reply_to": "the request's own reply address",
    "campaign_title": "the campaign's title",
    "law": "the law the request is made under, in full",
    "law_short": "FOIA, FOISA or EIR",
    "sent_date": "the date the request was sent (in chasers and reviews)",
    "due_date": "the date the reply was due (in chasers and reviews)",
    "subject": "the request's subject (in chasers and reviews)",
    "reason": "why a review is asked for (in review requests)",
}
# What a campaign's request template may use (the rest only exist once a request is sent).
REQUEST_FIELDS = frozenset(
    {"body_name", "reference", "requester_name", "reply_to", "campaign_title", "law", "law_short"}
)
SHORT_LAW = {Regime.FOIA: "FOIA", Regime.FOISA: "FOISA", Regime.EIR: "EIR"}


class TemplateError(ValueError):
    """A template that cannot be filled in, naming the template and the field."""


def fields_in(text: str, where: str, allowed: Iterable[str] = FIELDS) -> set[str]:
    """The fields a template uses; a malformed brace or an unknown field is an error."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as error:
        raise TemplateError(f"{where}: {error} (write {{{{ and }}}} for literal braces)") from error
    used = {name for _, name, _, _ in parsed if name is not None}
    if "" in used or any(not name.isidentifier() for name in used):
        raise TemplateError(f"{where}: every field needs a name, e.g. {{body_name}}")
    unknown = sorted(used - set(allowed))
    if unknown:
        known = ", ".join(sorted(allowed))
        raise TemplateError(f"{where}: unknown field {{{unknown[0]}}} (fields: {known})")
    formatted = [name for _, name, spec, conv in parsed if name and (spec or conv)]
    if formatted:
        raise TemplateError(f"{where}: field {{{formatted[0]}}} has a format; write it plain")
    return used


def render(text: str, values: Mapping[str, str], where: str) -> str:
    """Fill a template in; every field it uses must have a value."""
    used = fields_in(text, where)
    missing = sorted(name for name in used if not values.get(name))
    if missing:
        raise TemplateError(f"{where}: no value for {{{missing[0]}}}")
    return text.format_map({name: values[name] for name in used})


CHASER = {
    Regime.FOIA: (
        "Dear {body_name},\n\n"
        "I wrote on {sent_date} with a request for information under the Freedom of "
        "Information Act 2000 (our reference {reference}). Section 10 of the Act "
        "required a reply by {due_date}, and I have not received one.\n\n"
        "Please could you let me know when I can expect a response? If the request is "
        "being considered under the public interest test, section 17 still required a "
        "notice saying so by that date.\n\n"
        "Yours faithfully,\n{requester_name}\n"
    ),
    Regime.FOISA: (
        "Dear {body_name},\n\n"
        "I wrote on {sent_date} with a request for information under the Freedom of "
        "Information (Scotland) Act 2002 (our reference {reference}). Section 10 of the Act "
        "required a reply by {due_date}, and I have not received one.\n\n"
        "Please could you let me know when I can expect a response? If I do not hear, I "
        "may require a review under section 20.\n\n"
        "Yours faithfully,\n{requester_name}\n"
    ),
    Regime.EIR: (
        "Dear {body_name},\n\n"
        "I wrote on {sent_date} with a request for environmental information (our reference "
        "{reference}). Regulation 5(2) of the Environmental Information Regulations 2004 "
        "required a reply by {due_date}, or notice of an extension under regulation 7, and "
        "I have received neither.\n\n"
        "Please could you let me know when I can expect a response?\n\n"
        "Yours faithfully,\n{requester_name}\n"
    ),
}

REVIEW = {
    Regime.FOIA: (
        "Dear {body_name},\n\n"
        "Please pass this on to the person who conducts Freedom of Information reviews.\n\n"
        "I am writing to request an internal review of your handling of my request "
        '"{subject}" (our reference {reference}), sent on {sent_date}.\n\n'
        "{reason}\n\n"
        "The Code of Practice under section 45 of the Act asks that reviews are completed "
        "within 20 working days.\n\n"
        "Yours faithfully,\n{requester_name}\n"
    ),
    Regime.FOISA: (
        "Dear {body_name},\n\n"
        "I require a review under section 20 of the Freedom of Information (Scotland) Act "
        'of your handling of my request "{subject}" (our reference {reference}), sent on '
        "{sent_date}.\n\n"
        "{reason}\n\n"
        "Section 21 of the Act requires a response within 20 working days.\n\n"
        "Yours faithfully,\n{requester_name}\n"
    ),
    Regime.EIR: (
        "Dear {body_name},\n\n"
        "I am making representations under regulation 11 of the Environmental Information "
        'Regulations 2004 about your handling of my request "{subject}" (our reference '
        "{reference}), sent on {sent_date}.\n\n"
        "{reason}\n\n"
        "Regulation 11(4) requires a decision within 40 working days.\n\n"
        "Yours faithfully,\n{requester_name}\n"
    ),
}
REVIEW_SUBJECT = {
    Regime.FOIA: "Internal review of {subject}",
    Regime.FOISA: "Requirement for review: {subject}",
    Regime.EIR: "Representations under regulation 11: {subject}",
}
CHASER_SUBJECT = "Overdue reply: {subject}"
REVIEW_CHASER_SUBJECT = "Overdue review: {subject}"

# Chasing a review: sent_date is the day the review was asked for, due_date its due date.
REVIEW_CHASER = {
    Regime.FOIA: (
        "Dear {body_name},\n\n"
        'On {sent_date} I asked for an internal review of my request "{subject}" (our '
        "reference {reference}). The Code of Practice under section 45 of the Freedom of "
        "Information Act 2000 asks for reviews within 20 working days, by {due_date}, and I "
        "have not heard.\n\n"
        "Please could you let me know when I can expect the outcome? Without one I may "
        "complain to the Information Commissioner under section 50.\n\n"
        "Yours faithfully,\n{requester_name}\n"
    ),
    Regime.FOISA: (
        "Dear {body_name},\n\n"
        'On {sent_date} I required a review of my request "{subject}" (our reference '
        "{reference}) under section 20 of the Freedom of Information (Scotland) Act 2002. "
        "Section 21 required a response by {due_date}, and I have not received one.\n\n"
        "Please could you let me know when I can expect it? Without one I may apply to the "
        "Scottish Information Commissioner under section 47.\n\n"
        "Yours faithfully,\n{requester_name}\n"
    ),
    Regime.EIR: (
        "Dear {body_name},\n\n"
        'On {sent_date} I made representations under regulation 11 about my request "{subject}" '
        "(our reference {reference}). Regulation 11(4) required a decision by {due_date}, and "
        "I have not received one.\n\n"
        "Please could you let me know when I can expect it? Without one I may complain to the "
        "Information Commissioner.\n\n"
        "Yours faithfully,\n{requester_name}\n"
    ),
}
