"""schemathesis hooks of scripts/fuzz-api (loaded by schemathesis.toml).

1. A fresh Idempotency-Key per request (except when the headers are the negative part of the case). The services answer a retried key with the first result, without reading
   the new body (by design: a retry must look like the success the client missed). schemathesis draws the same
   few keys again and again, so its requests would be taken for retries of one another and answered with an
   earlier result. A valid key is replaced by a new random one; an invalid key (a negative test) is sent as drawn.
2. Refusals that depend on data, not on the shape the document can state, are not counted as "schema-valid
   request rejected" (ST202): a 400 whose every field violation is one of DATA_DEPENDENT below. Any other 400,
   and every other check, still fails the run.
"""

import json
import re
import uuid

import schemathesis
from schemathesis.core.parameters import ParameterLocation

KEY = re.compile(r"^[\t ]*[!-~](?:[ -~]*[!-~])?[\t ]*$")


@schemathesis.hook
def before_call(context, case, kwargs):
    # A case whose headers are the negative part (a missing `Authorization`, a bad key) is sent as drawn: editing
    # its headers would make schemathesis revalidate them as positive and send the CLI's `Authorization` again,
    # then blame the API for accepting a request without it. Such a request is refused before any replay.
    if case.meta is not None and case.meta.is_negative_at(ParameterLocation.HEADER):
        return
    # The generated headers are the case's own (`kwargs` holds only the transport's extra arguments).
    headers = case.headers or {}
    for name in list(headers):
        if name.lower() == "idempotency-key" and isinstance(headers[name], str) and KEY.match(headers[name]) \
                and len(headers[name].strip()) <= 100:
            headers[name] = f"fuzz-{uuid.uuid4()}"


# Why a well-formed request can still be refused with a 400, by what the refusal says.
DATA_DEPENDENT = (
    "is not a token this API gave",  # page_token: opaque, only the tokens the API handed out
    "no commune with this INSEE code is on Miroir",  # a well-formed code of a commune not on the platform
    "no such ",  # an id, well-formed, of nothing in this commune (a comment, a report, a proposal…)
    "is not an attachment of this publication",  # likewise
    "must be a publication of this commune",  # likewise (a decision's related publications)
    "is not a question of this category",  # a report's answers follow its category's questions
    "is not a category of this commune",
    "is required for this category",
    "is required without an account",  # an anonymous report needs its reporter's e-mail
    "is not this account's password",
    "is one of the most common passwords",  # passwords are checked against a list
    "must use at least 4 different characters",
    "must not be your e-mail address",
    "is not a verification token",  # tokens sent by e-mail
    "this link is invalid, expired or already used",
    "the amendment changes nothing",  # compared with the current publication
    "must be a project published by this commune",
    "must not be in the past",  # compared with the clock
    "must be inside France",  # latitude and longitude are two query parameters: no schema holds them together
    "must be later than submitted_after",  # two query parameters again
    "only the commune's staff may filter",  # depends on who asks, not on the shape of the request
    "south must be below north",  # a bbox's pattern holds each side's range, not their order
    "must be the code in the path",
    "is required for a",  # a publication's details go with its kind (for an edit, the stored draft's kind)
    "is only for a ",  # likewise: only the member of its kind
    "must be a PDF document, or an image",  # a file is typed by its bytes
    "is not an image in JPEG, PNG or WebP format",  # a report's photo too
    "is required: the PDF or image to attach",
    "is not published in the",  # a publication's kind goes with its space
    "only an agent is tied to a department",  # a role's department goes with the role
    "must be distinct",  # no schema keyword says "distinct by this member"
)


def _data_dependent(text):
    return any(reason in text for reason in DATA_DEPENDENT)


@schemathesis.hook
def filter_failure(context, failure, case, response):
    """False drops the failure."""
    if getattr(failure, "code", None) != "ST202" or response is None or response.status_code != 400:
        return True
    try:
        error = json.loads(response.content)["error"]
    except (ValueError, KeyError, TypeError):
        return True
    violations = error.get("field_violations") or []
    texts = [v.get("description", "") for v in violations] or [error.get("message", "")]
    return not all(_data_dependent(text) for text in texts)
