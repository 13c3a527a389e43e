"""A small Khmer and English catalogue for the search tests, kept as data so that a
test can also compute, independently of the index, which course holds which text."""

import re

from courses import factories

RIGHTS = "វគ្គបណ្ដុះបណ្ដាលអំពីសិទ្ធិមនុស្ស"  # written with subscript DA (្ដ)
DIGITAL = "សុវត្ថិភាពឌីជីថលសម្រាប់សកម្មជន"
FINANCE = "ការគ្រប់គ្រងហិរញ្ញវត្ថុ"
ONLINE = "Running online trainings"

# title: (catalogue language, summary, [(lesson title, slug, [body blocks])])
COURSES = {
    RIGHTS: (
        "km",
        "រៀនពីរបៀបការពារសិទ្ធិរបស់សហគមន៍។",
        [
            (
                "ការចងក្រងឯកសារ",
                "documenting",
                [("paragraph", "<p>សួរសំណួរដោយគោរព ហើយកត់ត្រាការសម្ភាសន៍ឱ្យបានត្រឹមត្រូវ។</p>")],
            )
        ],
    ),
    DIGITAL: (
        "km",
        "ការពារទូរស័ព្ទ និងគណនីរបស់អ្នក។",
        [
            ("ឧបករណ៍", "tools", [("paragraph", "<p>Read this.</p>")]),
            (
                "គណនីរបស់អ្នក",
                "accounts",
                [
                    ("heading", "ការការពារគណនី"),
                    ("paragraph", "<p>ប្រើពាក្យសម្ងាត់វែង ហើយកុំប្រើវាពីរដង។</p>"),
                ],
            ),
        ],
    ),
    # Written with subscript TA (្ត), and ឲ្យ rather than ឱ្យ.
    FINANCE: ("km", "ថវិកា របាយការណ៍ និងការបណ្តុះបណ្តាលបុគ្គលិកឲ្យចេះគ្រប់គ្រង។", []),
    ONLINE: ("en", "Sessions that work on a phone and 3G.", []),
}
SLUGS = {RIGHTS: "rights", DIGITAL: "digital", FINANCE: "finance", ONLINE: "online"}


def build(catalogues: dict) -> None:
    for title, (language, summary, lessons) in COURSES.items():
        course = factories.course_page(
            catalogues[language],
            title=title,
            slug=SLUGS[title],
            summary=summary,
            languages=[language],
        )
        for lesson_title, slug, body in lessons:
            factories.lesson_page(course, title=lesson_title, slug=slug, body=body)


def texts(title: str) -> list[str]:
    """Every text a reader sees in the course ``title``, tags removed."""
    _, summary, lessons = COURSES[title]
    found = [title, summary]
    for lesson_title, _, body in lessons:
        found.append(lesson_title)
        found.extend(re.sub(r"<[^>]+>", " ", value) for _, value in body)
    return found


def titles(response) -> list[str]:
    assert response.status_code == 200
    return re.findall(r'<h[23] class="card__title"><a [^>]*>([^<]+)</a>', response.content.decode())
