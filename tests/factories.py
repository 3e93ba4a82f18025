"""One factory per model. Defaults build a minimal valid record; tests set what they assert."""

from __future__ import annotations

import factory
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from factory.django import DjangoModelFactory

from accounts.models import User
from accounts.roles import Role
from cases import models as cases
from core.partial_dates import PartialDate
from deadlines import models as deadlines
from hearings import models as hearings
from people import models as people
from sources import models as sources


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def roles(obj: User, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if create and extracted:
            for role in extracted:
                obj.groups.add(Group.objects.get_or_create(name=role)[0])


class OrganizationFactory(DjangoModelFactory[people.Organization]):
    class Meta:
        model = people.Organization

    name = factory.Sequence(lambda n: f"Organization {n}")
    kind = people.OrganizationKind.NGO
    country = "KZ"


class OrganizationNameFactory(DjangoModelFactory[people.OrganizationName]):
    class Meta:
        model = people.OrganizationName

    organization = factory.SubFactory(OrganizationFactory)
    text = factory.Sequence(lambda n: f"Org name {n}")


class SourceFactory(DjangoModelFactory[sources.Source]):
    class Meta:
        model = sources.Source

    kind = sources.SourceKind.NEWS_RELEASE
    title = factory.Sequence(lambda n: f"Report {n}")
    publisher = factory.SubFactory(OrganizationFactory)
    published = PartialDate.month(2020, 1)
    language = "en"
    text = factory.Sequence(lambda n: f"Text of report {n}.")


class PersonFactory(DjangoModelFactory[people.Person]):
    class Meta:
        model = people.Person

    display_name = factory.Sequence(lambda n: f"Person {n}")
    citizenships = ["CN"]
    ethnicity = "Kazakh"


class NameVariantFactory(DjangoModelFactory[people.NameVariant]):
    class Meta:
        model = people.NameVariant

    person = factory.SubFactory(PersonFactory)
    text = factory.Sequence(lambda n: f"Name variant {n}")
    language = "en"


class ReportedAgeFactory(DjangoModelFactory[people.ReportedAge]):
    class Meta:
        model = people.ReportedAge

    person = factory.SubFactory(PersonFactory)
    age = 31
    as_of = PartialDate.month(2020, 1)


class AffiliationFactory(DjangoModelFactory[people.Affiliation]):
    class Meta:
        model = people.Affiliation

    person = factory.SubFactory(PersonFactory)
    organization = factory.SubFactory(OrganizationFactory)
    title = "Researcher"


class LifeEventFactory(DjangoModelFactory[people.LifeEvent]):
    class Meta:
        model = people.LifeEvent

    person = factory.SubFactory(PersonFactory)
    kind = people.LifeEventKind.BORDER_CROSSING
    date = PartialDate.day(2019, 10, 6)
    from_country = "CN"
    to_country = "KZ"


class StatementFactory(DjangoModelFactory[people.Statement]):
    class Meta:
        model = people.Statement

    speaker = factory.SubFactory(PersonFactory, is_public_figure=True)
    date = PartialDate.day(2019, 12, 6)
    quote = "They will be returned."
    stance = people.Stance.WILL_RETURN


class LegalProvisionFactory(DjangoModelFactory[cases.LegalProvision]):
    class Meta:
        model = cases.LegalProvision

    instrument = "Criminal Code of the Republic of Kazakhstan (2014)"
    jurisdiction = "KZ"
    article = factory.Sequence(lambda n: str(100 + n))
    part = "1"
    title = "Offence"


class CaseFactory(DjangoModelFactory[cases.Case]):
    class Meta:
        model = cases.Case

    title = factory.Sequence(lambda n: f"Case {n}")
    kind = cases.CaseKind.CRIMINAL
    jurisdiction = "KZ"
    court = factory.SubFactory(OrganizationFactory, kind=people.OrganizationKind.COURT)
    opened = PartialDate.month(2019, 10)


class CaseParticipantFactory(DjangoModelFactory[cases.CaseParticipant]):
    class Meta:
        model = cases.CaseParticipant

    case = factory.SubFactory(CaseFactory)
    person = factory.SubFactory(PersonFactory)
    role = cases.ParticipantRole.DEFENDANT


class CaseAssignmentFactory(DjangoModelFactory[cases.CaseAssignment]):
    class Meta:
        model = cases.CaseAssignment

    case = factory.SubFactory(CaseFactory)
    user = factory.SubFactory(UserFactory, roles=[Role.LAWYER])


class ChargeFactory(DjangoModelFactory[cases.Charge]):
    class Meta:
        model = cases.Charge

    case = factory.SubFactory(CaseFactory)
    defendant = factory.SubFactory(PersonFactory)
    provision = factory.SubFactory(LegalProvisionFactory)


class CustodyIntervalFactory(DjangoModelFactory[cases.CustodyInterval]):
    class Meta:
        model = cases.CustodyInterval

    person = factory.SubFactory(PersonFactory)
    kind = cases.CustodyKind.PRETRIAL
    start = PartialDate.day(2019, 10, 18)


class AsylumClaimFactory(DjangoModelFactory[cases.AsylumClaim]):
    class Meta:
        model = cases.AsylumClaim

    person = factory.SubFactory(PersonFactory)
    host_country = "KZ"
    filed = PartialDate.month(2019, 10)
    status = cases.AsylumStatus.PENDING


class AsylumClaimStepFactory(DjangoModelFactory[cases.AsylumClaimStep]):
    class Meta:
        model = cases.AsylumClaimStep

    claim = factory.SubFactory(AsylumClaimFactory)
    status = cases.AsylumStatus.REGISTERED
    date = PartialDate.day(2019, 10, 29)


class HearingFactory(DjangoModelFactory[hearings.Hearing]):
    class Meta:
        model = hearings.Hearing

    case = factory.SubFactory(CaseFactory)
    date = PartialDate.day(2020, 1, 6)
    kind = hearings.HearingKind.TRIAL


class SentenceFactory(DjangoModelFactory[hearings.Sentence]):
    class Meta:
        model = hearings.Sentence

    case = factory.SubFactory(CaseFactory)
    defendant = factory.SubFactory(PersonFactory)
    pronounced = PartialDate.day(2020, 1, 21)
    kind = hearings.SentenceKind.IMPRISONMENT
    term_years = 1
    institution_type = hearings.InstitutionType.MINIMUM
    custody_credit = hearings.CustodyCredit.TWO_FOR_ONE
    expulsion = hearings.Expulsion.RULED_OUT


class CitationFactory(DjangoModelFactory[sources.Citation]):
    class Meta:
        model = sources.Citation
        exclude = ("fact",)

    source = factory.SubFactory(SourceFactory)
    fact = factory.SubFactory(PersonFactory)
    content_type = factory.LazyAttribute(lambda c: ContentType.objects.get_for_model(c.fact))
    object_id = factory.LazyAttribute(lambda c: c.fact.pk)
    quote = factory.Sequence(lambda n: f"Quoted passage {n}.")


class ReportMentionFactory(DjangoModelFactory[sources.ReportMention]):
    class Meta:
        model = sources.ReportMention

    source = factory.SubFactory(SourceFactory)
    kind = sources.MentionKind.PERSON
    person = factory.SubFactory(PersonFactory)
    text = factory.LazyAttribute(lambda m: m.person.display_name)
    start = 0
    end = factory.LazyAttribute(lambda m: len(m.text))


class ProposalFactory(DjangoModelFactory[sources.Proposal]):
    class Meta:
        model = sources.Proposal

    source = factory.SubFactory(SourceFactory)
    kind = sources.ProposalKind.STATEMENT
    quote = factory.Sequence(lambda n: f"On 6 December official {n} said they would be returned.")
    start = 0
    end = factory.LazyAttribute(lambda p: len(p.quote))
    fingerprint = factory.Sequence(lambda n: f"{n:064x}")


class CalendarFeedFactory(DjangoModelFactory[deadlines.CalendarFeed]):
    class Meta:
        model = deadlines.CalendarFeed

    user = factory.SubFactory(UserFactory)
    token_hash = factory.Sequence(lambda n: f"{n:064x}")
    prefix = "abc123"
