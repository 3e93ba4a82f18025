"""The kinds of a "vigil/1" document: their models in load order, and which fields of each a
file may set."""

from __future__ import annotations

from typing import Any

from django.db import models

from cases.models import (
    AsylumClaim,
    AsylumClaimStep,
    Case,
    CaseParticipant,
    Charge,
    CustodyInterval,
    LegalProvision,
)
from hearings.models import Hearing, Sentence
from people.models import (
    Affiliation,
    LifeEvent,
    NameVariant,
    Organization,
    OrganizationName,
    Person,
    ReportedAge,
    Statement,
)
from sources.models import Source

FORMAT = "vigil/1"

# Kinds in load order: a record may refer to records of its own kind or of any kind, as long
# as the references hold no cycle.
KINDS: dict[str, type[models.Model]] = {
    "organizations": Organization,
    "sources": Source,
    "legal_provisions": LegalProvision,
    "persons": Person,
    "cases": Case,
    "case_participants": CaseParticipant,
    "affiliations": Affiliation,
    "reported_ages": ReportedAge,
    "charges": Charge,
    "hearings": Hearing,
    "sentences": Sentence,
    "custody_intervals": CustodyInterval,
    "asylum_claims": AsylumClaim,
    "asylum_claim_steps": AsylumClaimStep,
    "life_events": LifeEvent,
    "statements": Statement,
}
KIND_OF_MODEL = {model: kind for kind, model in KINDS.items()}
NAME_MODELS: dict[type[models.Model], tuple[type[models.Model], str]] = {
    Person: (NameVariant, "person"),
    Organization: (OrganizationName, "organization"),
}
EXTRA_KEYS = {"id", "names", "citations", "file"}
NAME_KEYS = {"text", "kind", "language", "source"}
CITATION_KEYS = {"source", "quote", "field", "locator", "reported", "reported_date", "note"}
# Bookkeeping the database or the application fills in; never imported or exported.
SKIPPED_FIELDS = {"id", "external_id", "created_at", "updated_at", "created_by"}
MAX_ID_LENGTH = 120


def data_fields(model: type[models.Model]) -> dict[str, Any]:
    """The fields a file may set on `model`, by name: editable concrete fields and the
    references and many-to-many links between kinds."""
    found: dict[str, Any] = {}
    for model_field in model._meta.get_fields():
        name = model_field.name
        if name in SKIPPED_FIELDS or model_field.auto_created:
            continue
        if not getattr(model_field, "concrete", False) and not model_field.many_to_many:
            continue
        if not getattr(model_field, "editable", True):
            continue
        if model_field.is_relation and model_field.related_model not in KIND_OF_MODEL:
            continue
        found[name] = model_field
    return found


def related_model(model_field: Any) -> type[models.Model]:
    related = model_field.related_model
    assert isinstance(related, type), model_field
    return related
