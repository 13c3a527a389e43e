"""Demo organisations and people. Fictional, but shaped like the real sector."""

from django.contrib.auth.models import Group

from .factories import MembershipFactory, OrganisationFactory, UserFactory
from .models import Membership, Organisation, User

DEMO_PASSWORD = "demo-cso-academy-2026"  # noqa: S105 - printed for local demos only

ORGANISATIONS = [
    # (key, English name, Khmer name, province code, kind, founded, staff, focus, languages, description)
    (
        "krac",
        "Khmer Rights Advocacy Centre",
        "មជ្ឈមណ្ឌលតស៊ូមតិសិទ្ធិមនុស្សខ្មែរ",
        "12",
        "ngo",
        1996,
        45,
        ["human-rights", "legal-aid", "advocacy", "digital-security"],
        ["km", "en"],
        "Documents human rights cases, trains paralegals and supports communities to raise their concerns with the authorities.",
    ),
    (
        "tswn",
        "Tonle Sap Women's Network",
        "បណ្ដាញស្ត្រីទន្លេសាប",
        "04",
        "network",
        2004,
        18,
        ["gender-equality", "safeguarding", "civic-education"],
        ["km"],
        "A network of women's groups in floating and lakeside villages, running savings groups and referral for survivors of violence.",
    ),
    (
        "blaa",
        "Battambang Legal Aid Association",
        "សមាគមជំនួយផ្លូវច្បាប់បាត់ដំបង",
        "02",
        "ngo",
        2001,
        27,
        ["legal-aid", "land-housing", "human-rights"],
        ["km", "en"],
        "Free legal advice and court representation for families in land and labour disputes in the north-west.",
    ),
    (
        "mlhf",
        "Mekong Land and Housing Forum",
        "វេទិកាដីធ្លី និងលំនៅឋានមេគង្គ",
        "10",
        "network",
        2009,
        9,
        ["land-housing", "advocacy", "environment"],
        ["km"],
        "Brings together community representatives affected by land concessions along the Mekong to prepare joint submissions.",
    ),
    (
        "cfca",
        "Cardamom Forest Community Alliance",
        "សម្ព័ន្ធសហគមន៍ព្រៃឈើជួរភ្នំក្រវាញ",
        "09",
        "cbo",
        2015,
        6,
        ["environment", "land-housing"],
        ["km"],
        "Community forestry patrols and a small eco-tourism project in the Cardamom mountains.",
    ),
    (
        "gwsu",
        "Garment Workers' Solidarity Union",
        "សហជីពសាមគ្គីភាពកម្មករកាត់ដេរ",
        "12",
        "union",
        2000,
        60,
        ["labour-rights", "advocacy", "gender-equality", "financial-management"],
        ["km", "en"],
        "Represents garment and footwear workers in collective bargaining and the annual minimum wage negotiation.",
    ),
    (
        "ycv",
        "Youth for Civic Voice",
        "យុវជនដើម្បីសំឡេងពលរដ្ឋ",
        "17",
        "ngo",
        2019,
        7,
        ["civic-education", "media-communication"],
        ["km", "en"],
        "Runs debate clubs and short video projects so that young people in Siem Reap can speak up about local services.",
    ),
    (
        "stiy",
        "Stung Treng Indigenous Youth Group",
        "ក្រុមយុវជនជនជាតិដើមភាគតិចស្ទឹងត្រែង",
        "19",
        "cbo",
        2023,
        4,
        ["land-housing", "environment", "civic-education"],
        ["km", "kdt"],
        "A young group of indigenous volunteers who want to protect their community's land and learn to manage donor grants.",
    ),
    (
        "kfa",
        "Kampot Fisherfolk Association",
        "សមាគមអ្នកនេសាទកំពត",
        "07",
        "cbo",
        2021,
        5,
        ["environment", "labour-rights"],
        ["km"],
        "Small-scale fishers organising against illegal trawling and for a fair price at the landing sites.",
    ),
    (
        "dscc",
        "Digital Safety Collective Cambodia",
        "ក្រុមសុវត្ថិភាពឌីជីថលកម្ពុជា",
        "12",
        "ngo",
        2012,
        11,
        ["digital-security", "media-communication", "organisational-management"],
        ["km", "en"],
        "Helps journalists and activists secure their phones, accounts and data, and responds to digital attacks.",
    ),
    (
        "pvcs",
        "Prey Veng Community Safeguarding Network",
        "បណ្ដាញការពារសហគមន៍ព្រៃវែង",
        "14",
        "network",
        2022,
        3,
        ["safeguarding", "gender-equality"],
        ["km"],
        "Village volunteers who refer children and women at risk to services, and want to write their first safeguarding policy.",
    ),
    (
        "kcfh",
        "Kampong Cham NGO Finance Helpdesk",
        "ជំនួយការហិរញ្ញវត្ថុអង្គការក្រៅរដ្ឋាភិបាលកំពង់ចាម",
        "03",
        "ngo",
        2008,
        14,
        ["financial-management", "fundraising", "organisational-management"],
        ["km", "en"],
        "Bookkeeping, audit preparation and donor-report coaching for small organisations in the east.",
    ),
]

PEOPLE = [
    # (key, e-mail, display name, legal name, language, staff/superuser, memberships)
    (
        "learner",
        "learner@demo.cso-academy.org",
        "Sokha",
        "Chan Sokha",
        "km",
        False,
        [("stiy", Membership.Role.REPRESENTATIVE)],
    ),
    (
        "mentor",
        "mentor@demo.cso-academy.org",
        "Dara",
        "Keo Dara",
        "km",
        False,
        [("krac", Membership.Role.MEMBER), ("kcfh", Membership.Role.REPRESENTATIVE)],
    ),
    ("editor", "editor@demo.cso-academy.org", "Vannak (editor)", "Sok Vannak", "en", True, []),
]


def seed(stdout) -> None:
    organisations: dict[str, Organisation] = {}
    for (
        key,
        name_en,
        name_km,
        province,
        kind,
        founded,
        staff,
        focus,
        languages,
        description,
    ) in ORGANISATIONS:
        organisation = Organisation.objects.filter(name_en=name_en).first()
        if organisation is None:
            organisation = OrganisationFactory(
                name_en=name_en,
                name_km=name_km,
                province=province,
                kind=kind,
                year_founded=founded,
                staff_size=staff,
                focus_areas=focus,
                working_languages=languages,
                description=description,
                is_public=True,
            )
        organisations[key] = organisation

    for key, email, display_name, legal_name, language, is_admin, memberships in PEOPLE:
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = UserFactory(
                email=email,
                display_name=display_name,
                legal_name=legal_name,
                preferred_language=language,
                password=DEMO_PASSWORD,
                is_staff=is_admin,
                is_superuser=is_admin,
            )
        if key == "editor":
            editors = Group.objects.filter(name="Editors").first()
            if editors:
                user.groups.add(editors)
        for org_key, role in memberships:
            MembershipFactory(user=user, organisation=organisations[org_key], role=role)

    stdout.write(f"Organisations: {Organisation.objects.count()}")


def demo_user(key: str) -> User:
    email = next(p[1] for p in PEOPLE if p[0] == key)
    return User.objects.get(email__iexact=email)


def demo_organisation(key: str) -> Organisation:
    name_en = next(o[1] for o in ORGANISATIONS if o[0] == key)
    return Organisation.objects.get(name_en=name_en)


def credentials() -> list[tuple[str, str, str]]:
    roles = {
        "learner": "learner",
        "mentor": "mentor",
        "editor": "editor (admin, sets up MFA on first visit)",
    }
    return [(roles[key], email, DEMO_PASSWORD) for key, email, *_ in PEOPLE]
