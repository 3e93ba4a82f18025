"""Admin pages for imported reports: the upload page and the review queue of proposals.

Admins only, as the structured import page (403 for everyone else, before an upload is read).
Every action works as a plain form post; with htmx a review action swaps only its row, and the
upload page's script (static/js/report-upload.js) shows the upload's progress and swaps in
the summary.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadhandler import SkipFile
from django.db.models import Q
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from cases.models import (
    AsylumClaimStep,
    AsylumStatus,
    Case,
    CustodyInterval,
    CustodyKind,
)
from core.access import AuthenticatedRequest
from core.fields import PartialDateFormField
from core.import_views import MultipleFileField, MultipleFileInput, SizeLimitHandler
from core.uploads import HEAD_BYTES, REPORT_KINDS, UploadRefused, check_upload
from hearings.models import (
    CustodyCredit,
    Hearing,
    HearingKind,
    HearingStatus,
    InstitutionType,
    Sentence,
    SentenceKind,
)
from people.models import LifeEvent, NameVariant, Organization, Person, Stance, Statement
from sources.models import Proposal, ProposalKind, ProposalStatus, Source, SourceKind
from sources.reports import reading
from sources.reports.display import Shown, referenced_ids, values_display
from sources.reports.found import ReportError
from sources.reports.ingest import ImportOutcome, import_report
from sources.reports.review import AlreadyReviewed, Edits, accept, reject
from sources.reports.sentences import Sentence as Split
from sources.reports.sentences import split_sentences

View = Callable[..., HttpResponse]


def admin_only(view: View) -> View:
    @wraps(view)
    def wrapped(request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_vigil_admin:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


# -- upload ------------------------------------------------------------------------------------


class ReportSizeLimitHandler(SizeLimitHandler):
    """The structured import's handler, with the report reader's limit."""

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > reading.MAX_REPORT_BYTES:
            self.refused[str(self.file_name)] = self.received
            raise SkipFile
        return raw_data


class ReportImportForm(forms.Form):
    files = MultipleFileField(  # type: ignore[assignment]
        label=_("Report files"),
        widget=MultipleFileInput(attrs={"accept": ".txt,.html,.htm,.pdf"}),
        allow_empty_file=True,  # the reader says, per file, why it is not a report
        help_text=_("Text, HTML or PDF. At most %(mb)s MB each.")
        % {"mb": reading.MAX_REPORT_BYTES // (1024 * 1024)},
    )
    publisher = forms.ModelChoiceField(
        label=_("Publisher"), queryset=Organization.objects.order_by("name"), required=False
    )
    url = forms.URLField(label=_("Address"), required=False, max_length=1000, assume_scheme="https")
    published = PartialDateFormField(
        label=_("Published"),
        required=False,
        max_length=40,
        help_text=_("2019-12-09, 2019-12 or 2019; resolves “on 6 December” in the text."),
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=SourceKind.choices, initial=SourceKind.NEWS_RELEASE
    )
    language = forms.CharField(
        label=_("Language"),
        required=False,
        max_length=10,
        help_text=_("ISO 639-1 code: en, ru, kk. Guessed from the text when blank."),
    )


@dataclass
class UploadResult:
    name: str
    outcome: ImportOutcome | None = None
    error: str = ""


@csrf_exempt  # the CSRF check runs in _import_page, once the upload handler is in place
def report_import(request: AuthenticatedRequest) -> HttpResponse:
    if not request.user.is_vigil_admin:
        raise PermissionDenied
    limit = ReportSizeLimitHandler(request)
    request.upload_handlers.insert(0, limit)
    return _import_page(request, limit)


@csrf_protect
def _import_page(request: AuthenticatedRequest, limit: SizeLimitHandler) -> TemplateResponse:
    results: list[UploadResult] = []
    if request.method == "POST":
        form = ReportImportForm(request.POST, request.FILES)
        mb = reading.MAX_REPORT_BYTES // (1024 * 1024)
        for name in limit.refused:
            results.append(UploadResult(name, error=f"The file is larger than {mb} MB."))
        if form.is_valid():
            data = form.cleaned_data
            for upload in request.FILES.getlist("files"):
                name = upload.name or "upload"
                try:
                    check_upload(
                        name, upload.read(HEAD_BYTES), upload.size or 0, allowed=REPORT_KINDS
                    )
                    upload.seek(0)
                    outcome = import_report(
                        upload.read(),
                        name,
                        publisher=data["publisher"],
                        url=data["url"],
                        published=data["published"],
                        kind=data["kind"],
                        language=data["language"],
                        user=request.user,
                    )
                except UploadRefused as error:
                    results.append(
                        UploadResult(name, error=error.reason[:1].upper() + error.reason[1:])
                    )
                except ReportError as error:
                    results.append(UploadResult(name, error=str(error)))
                else:
                    results.append(UploadResult(name, outcome))
    else:
        form = ReportImportForm()
    template = "sources/reports/import.html"
    if request.headers.get("X-Requested-With") == "XMLHttpRequest" or getattr(
        request, "htmx", False
    ):
        template += "#results"
    return TemplateResponse(request, template, {"form": form, "results": results})


# -- review ------------------------------------------------------------------------------------

CONTEXT_CHARS = 300  # at most this much of a neighbouring sentence


@dataclass
class ReviewRow:
    proposal: Proposal
    before: str = ""
    after: str = ""
    linked_value: Any = None
    form: ProposalEditForm | None = None
    error: str = ""
    persons: list[Person] = field(default_factory=list)
    values: list[Shown] = field(default_factory=list)


def linked_prefetch() -> GenericPrefetch[Any]:
    """The linked records with what their labels and addresses read."""
    return GenericPrefetch(
        "linked",
        [
            LifeEvent.objects.select_related("person", "case"),
            CustodyInterval.objects.select_related("person", "case"),
            Hearing.objects.select_related("case"),
            Sentence.objects.select_related("defendant", "case"),
            Statement.objects.select_related("speaker"),
            AsylumClaimStep.objects.select_related("claim__person", "claim__case"),
            NameVariant.objects.select_related("person"),
        ],
    )


@dataclass
class Referenced:
    """The persons and cases that a page's proposal values name, fetched once for the page."""

    persons: dict[int, Person] = field(default_factory=dict)
    cases: dict[int, Case] = field(default_factory=dict)

    @classmethod
    def of(cls, proposals: list[Proposal]) -> Referenced:
        person_ids, case_ids = referenced_ids(p.values for p in proposals)
        return cls(
            Person.objects.in_bulk(person_ids) if person_ids else {},
            Case.objects.in_bulk(case_ids) if case_ids else {},
        )


def _context(text: str, start: int, end: int, sentences: list[Split]) -> tuple[str, str]:
    """The sentence before the quote and the one after it (shortened when long)."""
    before = next((s for s in reversed(sentences) if s.end <= start), None)
    after = next((s for s in sentences if s.start >= end), None)
    head = text[before.start : start] if before else text[max(0, start - 1) : start]
    tail = text[end : after.end] if after else text[end : end + 1]
    if len(head) > CONTEXT_CHARS:
        head = "…" + head[-CONTEXT_CHARS:].split(" ", 1)[-1]
    if len(tail) > CONTEXT_CHARS:
        tail = tail[:CONTEXT_CHARS].rsplit(" ", 1)[0] + "…"
    return head, tail


def _row(
    proposal: Proposal,
    *,
    referenced: Referenced | None = None,
    sentences: list[Split] | None = None,
    **kwargs: Any,
) -> ReviewRow:
    text = proposal.source.text
    start, end = proposal.start, proposal.end
    if text[start:end] != proposal.quote:  # offsets from another reading: find the quote
        words = [re.escape(word) for word in proposal.quote.split()]
        found = re.search(r"\s+".join(words), text) if words else None
        start, end = found.span() if found else (0, 0)
    before = after = ""
    if end:
        if sentences is None:
            sentences = split_sentences(text)
        before, after = _context(text, start, end, sentences)
    linked = proposal.linked
    linked_value = None
    if linked is not None:
        for name in ("date", "pronounced", "start", "end"):
            if hasattr(linked, name):
                linked_value = getattr(linked, name)
                break
    if referenced is None:
        referenced = Referenced.of([proposal])
    return ReviewRow(
        proposal,
        before=before,
        after=after,
        linked_value=linked_value,
        persons=list(proposal.persons.all()),
        values=values_display(
            proposal.kind, proposal.values, persons=referenced.persons, cases=referenced.cases
        ),
        **kwargs,
    )


REVIEW_LIMIT = 200


@admin_only
def review_queue(request: AuthenticatedRequest) -> TemplateResponse:
    proposals = (
        Proposal.objects.pending()
        .select_related("source", "content_type")
        .prefetch_related("persons", linked_prefetch())
        .order_by("source__created_at", "source_id", "start", "pk")
    )
    source: Source | None = None
    source_id = request.GET.get("source", "")
    if source_id.isdigit():
        source = get_object_or_404(Source, pk=int(source_id))
        proposals = proposals.filter(source=source)
    page = list(proposals[: REVIEW_LIMIT + 1])
    referenced = Referenced.of(page[:REVIEW_LIMIT])
    split: dict[int, list[Split]] = {}  # each report's sentences, split once
    rows = []
    for proposal in page[:REVIEW_LIMIT]:
        if proposal.source_id not in split:
            split[proposal.source_id] = split_sentences(proposal.source.text)
        sentences = split[proposal.source_id]
        rows.append(_row(proposal, referenced=referenced, sentences=sentences))
    groups: list[tuple[Source, list[ReviewRow]]] = []
    for row in rows:
        if not groups or groups[-1][0].pk != row.proposal.source_id:
            groups.append((row.proposal.source, []))
        groups[-1][1].append(row)
    reviewed = None
    if source is not None:
        reviewed = (
            Proposal.objects.filter(source=source).exclude(status=ProposalStatus.PENDING).count()
        )
    return TemplateResponse(
        request,
        "sources/reports/review.html",
        {
            "groups": groups,
            "more": len(page) > REVIEW_LIMIT,
            "source": source,
            "reviewed": reviewed,
        },
    )


def _proposal(pk: int) -> Proposal:
    return get_object_or_404(
        Proposal.objects.select_related("source", "content_type", "reviewed_by"), pk=pk
    )


def _row_response(
    request: AuthenticatedRequest, row: ReviewRow, *, message: str = ""
) -> HttpResponse:
    if getattr(request, "htmx", False):
        return TemplateResponse(request, "sources/reports/review.html#proposal-row", {"row": row})
    if row.form is not None:
        return TemplateResponse(request, "sources/reports/proposal_edit.html", {"row": row})
    if row.error:
        messages.error(request, row.error)
    elif message:
        messages.success(request, message)
    url = reverse("report_review")
    return HttpResponseRedirect(f"{url}?source={row.proposal.source_id}")


@admin_only
@require_POST
def proposal_accept(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    proposal = _proposal(pk)
    try:
        proposal = accept(proposal, request.user)
    except AlreadyReviewed as done:
        return _row_response(request, _row(done.proposal, error=str(done)))
    except ValidationError as error:
        # Something the report left out (the case, the kind of sentence): ask in the form.
        form = ProposalEditForm(proposal)
        _add_errors(form, error)
        return _row_response(request, _row(proposal, form=form))
    return _row_response(request, _row(proposal), message=str(_("Accepted.")))


@admin_only
@require_POST
def proposal_reject(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    proposal = _proposal(pk)
    try:
        proposal = reject(proposal, request.user)
    except AlreadyReviewed as done:
        return _row_response(request, _row(done.proposal, error=str(done)))
    return _row_response(request, _row(proposal), message=str(_("Rejected.")))


@admin_only
@require_http_methods(["GET", "POST"])
def proposal_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    proposal = _proposal(pk)
    if proposal.status != ProposalStatus.PENDING:
        return _row_response(request, _row(proposal, error=str(AlreadyReviewed(proposal))))
    if request.method == "GET":
        return _row_response(request, _row(proposal, form=ProposalEditForm(proposal)))
    form = ProposalEditForm(proposal, request.POST)
    if form.is_valid():
        try:
            proposal = accept(proposal, request.user, form.edits())
        except AlreadyReviewed as done:
            return _row_response(request, _row(done.proposal, error=str(done)))
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return _row_response(request, _row(proposal), message=str(_("Accepted.")))
    return _row_response(request, _row(proposal, form=form))


# Model fields whose errors belong to a form field of another name.
ERROR_FIELDS = {
    "pronounced": "date",
    "start": "date",
    "end": "date",
    "person": "persons",
    "defendant": "persons",
    "speaker_id": "speaker",
    "kind": "sentence_kind",
    "term_years": "term_years",
}


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        target = ERROR_FIELDS.get(name, name)
        for each in errors:
            message = " ".join(str(m) for m in each.messages)
            if target in form.fields:
                form.add_error(target, message)
            else:
                form.add_error(None, f"{name.replace('_', ' ')}: {message}" if name else message)


# -- the edit form -----------------------------------------------------------------------------


def _blank(choices: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [("", "—"), *[(v, label) for v, label in choices if v != ""]]


class ProposalEditForm(forms.Form):
    """The proposal's values, to correct before accepting; fields depend on the kind."""

    date = PartialDateFormField(label=_("Date"), required=False, max_length=40)
    persons = forms.ModelMultipleChoiceField(
        label=_("Persons"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, proposal: Proposal, data: Any = None) -> None:
        self.proposal = proposal
        values = dict(proposal.values)
        person_ids = list(proposal.persons.values_list("pk", flat=True))
        initial: dict[str, Any] = {"date": proposal.date, "persons": person_ids, **values}
        super().__init__(data, initial=initial, prefix=f"p{proposal.pk}")
        persons_field = self.fields["persons"]
        assert isinstance(persons_field, forms.ModelMultipleChoiceField)
        persons_field.queryset = (
            Person.objects.filter(
                Q(pk__in=person_ids) | Q(report_mentions__source=proposal.source_id)
            )
            .distinct()
            .order_by("display_name")
        )
        kind = proposal.kind
        if kind in (ProposalKind.HEARING, ProposalKind.VERDICT, ProposalKind.CUSTODY):
            cases = Case.objects.filter(participants__person__in=person_ids).distinct()
            self.fields["case"] = forms.ModelChoiceField(
                label=_("Case"),
                queryset=Case.objects.order_by("title"),
                required=False,
                help_text=_("The person's only case is chosen when there is one."),
            )
            if "case_id" in values:
                self.initial["case"] = values["case_id"]
            elif len(case_ids := list(cases.values_list("pk", flat=True)[:2])) == 1:
                self.initial["case"] = case_ids[0]
        if kind == ProposalKind.VERDICT and "kind" in values:
            self.initial["sentence_kind"] = values["kind"]
        if kind == ProposalKind.HEARING:
            self._choice("status", _("Status"), HearingStatus.choices)
            self._choice("hearing_kind", _("Kind of hearing"), HearingKind.choices)
            self.fields["adjourned_to"] = forms.CharField(
                label=_("Adjourned to"), required=False, max_length=40
            )
        elif kind == ProposalKind.VERDICT:
            self._choice("sentence_kind", _("Sentence"), SentenceKind.choices)
            for name, label in (
                ("term_years", _("Years")),
                ("term_months", _("Months")),
                ("term_days", _("Days")),
            ):
                self.fields[name] = forms.IntegerField(
                    label=label, required=False, min_value=0, max_value=99
                )
            self._choice("institution_type", _("Institution"), InstitutionType.choices)
            self._choice("custody_credit", _("Custody credit"), CustodyCredit.choices)
            self._choice(
                "expulsion",
                _("Expulsion"),
                [("ruled_out", _("Ruled out by the court")), ("ordered", _("Ordered"))],
            )
        elif kind == ProposalKind.CUSTODY:
            self._choice("custody_kind", _("Kind of custody"), CustodyKind.choices)
            self._choice("edge", _("This date is the"), [("start", _("start")), ("end", _("end"))])
            self.fields["place"] = forms.CharField(label=_("Place"), required=False, max_length=300)
        elif kind == ProposalKind.STATEMENT:
            self.fields["speaker"] = forms.ModelChoiceField(
                label=_("Speaker"), queryset=Person.objects.order_by("display_name"), required=False
            )
            self.initial["speaker"] = values.get("speaker_id")
            self._choice("stance", _("Stance"), Stance.choices)
            self.fields["office"] = forms.CharField(
                label=_("Office"), required=False, max_length=300
            )
            self.fields["medium"] = forms.CharField(
                label=_("Medium"), required=False, max_length=200
            )
        elif kind == ProposalKind.ASYLUM_STEP:
            self._choice("status", _("Step"), AsylumStatus.choices)
            self.fields["host_country"] = forms.CharField(
                label=_("Host country"),
                required=False,
                max_length=2,
                help_text=_("Two-letter code, for a new claim: KZ."),
            )
        elif kind in (ProposalKind.BORDER_CROSSING, ProposalKind.FLIGHT):
            for name, label in (("from_country", _("From")), ("to_country", _("To"))):
                self.fields[name] = forms.CharField(
                    label=label, required=False, max_length=2, help_text=_("Two-letter code.")
                )
            self.fields["place"] = forms.CharField(label=_("Place"), required=False, max_length=300)
        elif kind in (ProposalKind.NEW_PERSON, ProposalKind.NEW_VARIANT):
            self.fields["name"] = forms.CharField(label=_("Name"), max_length=300)
            if "name" not in values:
                self.initial["name"] = values.get("variant") or values.get("text", "")

    def _choice(self, name: str, label: Any, choices: list[tuple[str, Any]]) -> None:
        self.fields[name] = forms.ChoiceField(label=label, choices=_blank(choices), required=False)

    def edits(self) -> Edits:
        data = self.cleaned_data
        values: dict[str, Any] = {}
        for name, value in data.items():
            if name in ("date", "persons"):
                continue
            if isinstance(value, Case):
                values["case_id"] = value.pk
            elif isinstance(value, Person):
                values["speaker_id"] = value.pk
            elif value is not None and value != "":
                values[name] = value
        return Edits(
            date=data.get("date"),
            person_ids=tuple(p.pk for p in data.get("persons") or []),
            values=values,
            clear_date=data.get("date") is None,
        )
