"""Every CheckConstraint and UniqueConstraint holds twice: the database refuses the row
(IntegrityError) and model validation (`full_clean()`, what forms and the admin run) says why."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from cases.models import AsylumClaim, CaseAssignment, CustodyInterval, LegalProvision
from core.partial_dates import PartialDate
from hearings.models import HearingStatus, SentenceKind
from people.models import NameVariant, OrganizationName
from sources.models import Citation
from tests import factories

pytestmark = pytest.mark.django_db

END_BEFORE_START = "The end date is before the start date."
PROJECT_APPS = ("accounts", "core", "sources", "people", "cases", "hearings", "deadlines")


def assert_rejected(obj: models.Model, constraint: str, message: str) -> None:
    """Validation names the problem, and the database refuses the row on its own."""
    with pytest.raises(ValidationError) as raised:
        obj.full_clean()
    assert message in raised.value.messages
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        obj.save()


def assert_accepted(obj: models.Model) -> None:
    obj.full_clean()
    obj.save()
    obj.refresh_from_db()


def violated(constraint: str) -> str:
    """Django's message for a constraint without its own violation message."""
    return f"Constraint “{constraint}” is violated."


def day(text: str) -> PartialDate:
    return PartialDate.parse(text)


# -- intervals: an end may be open or partial, never wholly before the start ------------------


def test_custody_with_an_end_date_cannot_also_have_an_unknown_end() -> None:
    custody = factories.CustodyIntervalFactory.create(end=day("2020-01-21"))
    custody.end_unknown = True
    assert_rejected(
        custody,
        "custody_end_known_or_unknown",
        "Give an end date or mark the end unknown, not both.",
    )


def test_custody_that_ended_on_an_unknown_day_is_not_ongoing() -> None:
    ended = factories.CustodyIntervalFactory.create(start=None, end_unknown=True)
    running = factories.CustodyIntervalFactory.create()
    assert list(CustodyInterval.objects.open()) == [running]
    assert "end unknown" in str(ended)


def test_exact_start_time_must_fall_inside_the_start_date() -> None:
    custody = factories.CustodyIntervalFactory.create(start=day("2019-10-14"))
    custody.started_at = datetime(2019, 10, 20, 9, 0, tzinfo=UTC)
    with pytest.raises(ValidationError, match="outside the start date"):
        custody.full_clean()


def test_hearing_is_adjourned_to_a_later_hearing_of_the_same_case() -> None:
    first = factories.HearingFactory.create(date=day("2020-01-06"))
    earlier = factories.HearingFactory.create(case=first.case, date=day("2020-01-05"))
    elsewhere = factories.HearingFactory.create(date=day("2020-01-21"))
    first.status = HearingStatus.ADJOURNED
    for wrong, message in ((earlier, "later date"), (elsewhere, "another case")):
        first.adjourned_to = wrong
        with pytest.raises(ValidationError, match=message):
            first.full_clean()


def test_custody_cannot_end_before_it_starts() -> None:
    custody = factories.CustodyIntervalFactory.create(start=day("2019-10-18"))
    custody.end = day("2019-10-17")
    assert_rejected(custody, "custody_end_after_start", END_BEFORE_START)


def test_custody_still_running_has_no_end() -> None:
    custody = factories.CustodyIntervalFactory.build(
        person=factories.PersonFactory.create(), start=day("2019-10-18"), end=None
    )
    assert_accepted(custody)
    assert list(CustodyInterval.objects.open()) == [custody]


def test_custody_may_end_in_the_month_it_started_when_the_end_is_only_a_month() -> None:
    custody = factories.CustodyIntervalFactory.build(
        person=factories.PersonFactory.create(),
        start=day("2019-10-18"),
        end=day("October 2019"),
    )
    assert_accepted(custody)


def test_custody_may_end_on_a_day_inside_its_partial_start_month() -> None:
    custody = factories.CustodyIntervalFactory.build(
        person=factories.PersonFactory.create(),
        start=day("October 2019"),
        end=day("2019-10-05"),
    )
    assert_accepted(custody)


def test_custody_may_end_the_day_it_starts() -> None:
    custody = factories.CustodyIntervalFactory.build(
        person=factories.PersonFactory.create(),
        start=day("2019-10-18"),
        end=day("2019-10-18"),
    )
    assert_accepted(custody)


def test_custody_cannot_end_in_a_month_wholly_before_its_start() -> None:
    custody = factories.CustodyIntervalFactory.create(start=day("2019-10-18"))
    custody.end = day("September 2019")
    assert_rejected(custody, "custody_end_after_start", END_BEFORE_START)


def test_affiliation_cannot_end_before_it_starts() -> None:
    affiliation = factories.AffiliationFactory.create(start=day("2018"))
    affiliation.end = day("2017")
    assert_rejected(affiliation, "affiliation_end_after_start", END_BEFORE_START)


def test_affiliation_may_have_an_end_without_a_start() -> None:
    affiliation = factories.AffiliationFactory.create()
    affiliation.end = day("2017")
    assert_accepted(affiliation)


def test_case_cannot_close_before_it_opened() -> None:
    case = factories.CaseFactory.create(opened=day("October 2019"))
    case.closed = day("2019-09-30")
    assert_rejected(case, "case_closed_after_opened", END_BEFORE_START)


def test_case_may_close_in_the_month_it_opened() -> None:
    case = factories.CaseFactory.create(opened=day("October 2019"))
    case.closed = day("2019-10-01")
    assert_accepted(case)


def test_participation_cannot_end_before_it_starts() -> None:
    participant = factories.CaseParticipantFactory.create(start=day("2020-01-06"))
    participant.end = day("2020-01-05")
    assert_rejected(participant, "participant_end_after_start", END_BEFORE_START)


def test_asylum_claim_cannot_be_registered_before_it_was_filed() -> None:
    claim = factories.AsylumClaimFactory.create(filed=day("October 2019"))
    claim.registered = day("2019-09-30")
    assert_rejected(claim, "asylum_registered_after_filed", END_BEFORE_START)


def test_asylum_claim_cannot_be_decided_before_it_was_filed() -> None:
    claim = factories.AsylumClaimFactory.create(filed=day("October 2019"))
    claim.decided = day("2019")  # the year overlaps October: allowed
    assert_accepted(claim)
    claim.decided = day("2018-12-31")
    assert_rejected(claim, "asylum_decided_after_filed", END_BEFORE_START)


def test_asylum_claim_registered_and_decided_after_filing_is_accepted() -> None:
    claim = factories.AsylumClaimFactory.build(
        person=factories.PersonFactory.create(),
        filed=day("October 2019"),
        registered=day("2019-10-29"),
        decided=day("2020-04-07"),
    )
    assert_accepted(claim)
    assert AsylumClaim.objects.filter(registered__contains=day("2019-10-29").earliest).exists()


def test_provision_cannot_leave_force_before_it_entered_it() -> None:
    provision = factories.LegalProvisionFactory.create()
    provision.in_force_from = day("2015-01-01").earliest
    provision.in_force_until = day("2014-12-31").earliest
    assert_rejected(provision, "provision_in_force_order", violated("provision_in_force_order"))


# -- sentences ----------------------------------------------------------------------------------


def test_imprisonment_needs_an_institution_type() -> None:
    sentence = factories.SentenceFactory.create()
    sentence.institution_type = ""
    assert_rejected(
        sentence,
        "sentence_imprisonment_has_institution",
        "Imprisonment needs an institution type.",
    )


def test_fine_needs_no_institution_type() -> None:
    sentence = factories.SentenceFactory.create()
    sentence.kind = SentenceKind.FINE
    sentence.term_years = 0
    sentence.institution_type = ""
    sentence.fine_amount = Decimal("50000.00")
    sentence.fine_currency = "KZT"
    assert_accepted(sentence)


@pytest.mark.parametrize(
    "kind",
    [SentenceKind.IMPRISONMENT, SentenceKind.RESTRICTION_OF_LIBERTY, SentenceKind.SUSPENDED],
)
def test_custodial_or_suspended_sentence_needs_a_term(kind: SentenceKind) -> None:
    sentence = factories.SentenceFactory.create(kind=kind)
    sentence.term_years = sentence.term_months = sentence.term_days = 0
    assert_rejected(
        sentence, "sentence_term_positive", "A custodial or suspended sentence needs a term."
    )


@pytest.mark.parametrize("field", ["term_years", "term_months", "term_days"])
def test_one_unit_of_term_is_enough(field: str) -> None:
    sentence = factories.SentenceFactory.create(kind=SentenceKind.SUSPENDED)
    sentence.term_years = sentence.term_months = sentence.term_days = 0
    setattr(sentence, field, 1)
    assert_accepted(sentence)


def test_expulsion_needs_no_term() -> None:
    sentence = factories.SentenceFactory.create()
    sentence.kind = SentenceKind.EXPULSION
    sentence.term_years = 0
    assert_accepted(sentence)


@pytest.mark.parametrize("amount", [Decimal("0"), Decimal("-100.00")])
def test_fine_must_be_positive(amount: Decimal) -> None:
    sentence = factories.SentenceFactory.create()
    sentence.fine_amount = amount
    sentence.fine_currency = "KZT"
    assert_rejected(sentence, "sentence_fine_positive", violated("sentence_fine_positive"))


def test_smallest_fine_is_accepted() -> None:
    sentence = factories.SentenceFactory.create()
    sentence.fine_amount = Decimal("0.01")
    sentence.fine_currency = "KZT"
    assert_accepted(sentence)


def test_fine_sentence_needs_its_amount() -> None:
    sentence = factories.SentenceFactory.create()
    sentence.kind = SentenceKind.FINE
    sentence.term_years = 0
    sentence.institution_type = ""
    assert_rejected(sentence, "sentence_fine_has_amount", "A fine needs its amount.")


def test_fine_amount_needs_its_currency() -> None:
    sentence = factories.SentenceFactory.create()
    sentence.fine_amount = Decimal("300")
    assert_rejected(sentence, "sentence_fine_has_currency", "A fine amount needs its currency.")


def test_only_a_suspended_sentence_has_probation() -> None:
    sentence = factories.SentenceFactory.create()
    sentence.probation_months = 6
    assert_rejected(
        sentence,
        "sentence_probation_only_when_suspended",
        "Only a suspended sentence has probation.",
    )
    sentence.kind = SentenceKind.SUSPENDED
    assert_accepted(sentence)


# -- hearings -----------------------------------------------------------------------------------


def test_only_an_adjourned_hearing_points_to_a_later_one() -> None:
    hearing = factories.HearingFactory.create(status=HearingStatus.HELD)
    later = factories.HearingFactory.create(case=hearing.case, date=day("2020-01-20"))
    hearing.adjourned_to = later
    assert_rejected(
        hearing,
        "hearing_adjourned_to_needs_adjourned_status",
        "Only an adjourned hearing points to a later one.",
    )


def test_adjourned_hearing_points_to_the_later_one() -> None:
    hearing = factories.HearingFactory.create(status=HearingStatus.ADJOURNED)
    later = factories.HearingFactory.create(case=hearing.case, date=day("2020-01-20"))
    hearing.adjourned_to = later
    assert_accepted(hearing)
    assert later.adjourned_from == hearing


def test_hearing_cannot_be_adjourned_to_itself() -> None:
    hearing = factories.HearingFactory.create(status=HearingStatus.ADJOURNED)
    hearing.adjourned_to = hearing
    assert_rejected(
        hearing, "hearing_not_adjourned_to_itself", "A hearing cannot be adjourned to itself."
    )


# -- people -------------------------------------------------------------------------------------


def test_reported_age_over_130_is_impossible() -> None:
    age = factories.ReportedAgeFactory.create()
    age.age = 131
    assert_rejected(age, "reported_age_plausible", violated("reported_age_plausible"))


def test_reported_age_of_130_is_accepted() -> None:
    age = factories.ReportedAgeFactory.create()
    age.age = 130
    assert_accepted(age)


def test_person_cannot_have_the_same_name_variant_twice() -> None:
    variant = factories.NameVariantFactory.create(text="Kaster Musakhanuly")
    duplicate = NameVariant(person=variant.person, text="Kaster Musakhanuly")
    assert_rejected(
        duplicate, "name_variant_unique", "Name variant with this Person and Name already exists."
    )


def test_two_persons_may_share_a_name_variant() -> None:
    """Same name is not proof of same person."""
    factories.NameVariantFactory.create(text="Kaster Musakhanuly")
    other = NameVariant(person=factories.PersonFactory.create(), text="Kaster Musakhanuly")
    assert_accepted(other)


def test_organization_cannot_have_the_same_name_twice() -> None:
    name = factories.OrganizationNameFactory.create(text="КНБ")
    duplicate = OrganizationName(organization=name.organization, text="КНБ")
    assert_rejected(
        duplicate,
        "org_name_unique",
        "Organization name with this Organization and Name already exists.",
    )


# -- cases --------------------------------------------------------------------------------------


def test_person_cannot_hold_the_same_role_twice_in_a_case() -> None:
    participant = factories.CaseParticipantFactory.create()
    duplicate = factories.CaseParticipantFactory.build(
        case=participant.case, person=participant.person, role=participant.role
    )
    assert_rejected(
        duplicate,
        "participant_unique",
        "Case participant with this Case, Person and Role already exists.",
    )


def test_person_may_hold_two_roles_in_a_case() -> None:
    participant = factories.CaseParticipantFactory.create()
    witness = factories.CaseParticipantFactory.build(
        case=participant.case, person=participant.person, role="witness"
    )
    assert_accepted(witness)


def test_user_is_assigned_to_a_case_once() -> None:
    assignment = factories.CaseAssignmentFactory.create()
    duplicate = CaseAssignment(case=assignment.case, user=assignment.user)
    assert_rejected(
        duplicate, "assignment_unique", "Case assignment with this Case and User already exists."
    )


def test_defendant_is_charged_under_a_provision_once_per_case() -> None:
    charge = factories.ChargeFactory.create()
    duplicate = factories.ChargeFactory.build(
        case=charge.case, defendant=charge.defendant, provision=charge.provision
    )
    assert_rejected(
        duplicate,
        "charge_unique_per_provision",
        "Charge with this Case, Defendant and Provision already exists.",
    )


def test_provision_is_recorded_once() -> None:
    provision = factories.LegalProvisionFactory.create(article="392", part="1")
    duplicate = LegalProvision(
        instrument=provision.instrument, jurisdiction="KZ", article="392", part="1"
    )
    assert_rejected(
        duplicate,
        "provision_unique",
        "Legal provision with this Jurisdiction, Instrument, Article, Part and Paragraph "
        "already exists.",
    )


def test_same_article_may_exist_in_two_jurisdictions() -> None:
    provision = factories.LegalProvisionFactory.create(article="392", part="1")
    other = LegalProvision(
        instrument=provision.instrument, jurisdiction="KG", article="392", part="1"
    )
    assert_accepted(other)


# -- sources ------------------------------------------------------------------------------------


def test_source_passage_is_cited_once_per_fact_and_field() -> None:
    citation = factories.CitationFactory.create(field="date", quote="on 6 October 2019")
    duplicate = Citation(
        source=citation.source,
        content_type=citation.content_type,
        object_id=citation.object_id,
        field="date",
        quote="on 6 October 2019",
    )
    assert_rejected(
        duplicate,
        "citation_unique_per_passage",
        "Citation with this Source, Content type, Object id, Field and Quoted passage "
        "already exists.",
    )


def test_same_passage_may_support_two_fields_of_a_fact() -> None:
    citation = factories.CitationFactory.create(field="date", quote="on 6 October 2019")
    other = Citation(
        source=citation.source,
        content_type=citation.content_type,
        object_id=citation.object_id,
        field="place",
        quote="on 6 October 2019",
    )
    assert_accepted(other)


def test_a_mention_names_a_person_or_an_organization_not_both() -> None:
    mention = factories.ReportMentionFactory.create()
    mention.organization = factories.OrganizationFactory.create()
    assert_rejected(mention, "mention_one_entity", violated("mention_one_entity"))


def test_a_mention_ends_after_it_starts() -> None:
    mention = factories.ReportMentionFactory.create()
    mention.start, mention.end = 10, 4
    assert_rejected(mention, "mention_span", violated("mention_span"))


def test_a_report_proposes_the_same_fact_once() -> None:
    proposal = factories.ProposalFactory.create()
    again = factories.ProposalFactory.build(
        source=proposal.source, fingerprint=proposal.fingerprint
    )
    assert_rejected(
        again,
        "proposal_unique_per_source",
        "Proposal with this Source and Fingerprint already exists.",
    )


def test_a_proposal_links_a_whole_record_or_none() -> None:
    proposal = factories.ProposalFactory.create()
    proposal.object_id = 1
    assert_rejected(proposal, "proposal_link_complete", violated("proposal_link_complete"))


def test_calendar_feed_cannot_be_revoked_before_it_was_created() -> None:
    feed = factories.CalendarFeedFactory.create()
    feed.revoked_at = datetime(2000, 1, 1, tzinfo=UTC)
    assert_rejected(
        feed,
        "calendar_feed_revoked_after_created",
        "A feed cannot be revoked before it was created.",
    )


# -- nothing left untested ----------------------------------------------------------------------


def _project_constraints() -> list[Any]:
    return [
        constraint
        for app in PROJECT_APPS
        for model in apps.get_app_config(app).get_models()
        for constraint in model._meta.constraints
    ]


def test_every_model_constraint_has_a_test_here() -> None:
    source = Path(__file__).read_text()
    untested = [c.name for c in _project_constraints() if f'"{c.name}"' not in source]
    assert untested == []
