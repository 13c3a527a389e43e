"""Demo content for the site shell: locales and the home page in both languages."""

from wagtail.models import Locale, Page, Site

from .models import HomePage

HOME = {
    "km": {
        "title": "បណ្ឌិត្យសភាអង្គការសង្គមស៊ីវិល",
        "intro": (
            "វគ្គសិក្សា សិក្ខាសាលាផ្ទាល់ និងការណែនាំពីអង្គការដែលមានបទពិសោធ "
            "សម្រាប់អង្គការសង្គមស៊ីវិលនៅគ្រប់ខេត្តក្រុងនៃកម្ពុជា។ "
            "រៀនតាមទូរស័ព្ទ សូម្បីតែពេលអ៊ីនធឺណិតយឺត។"
        ),
        "features": [
            (
                "វគ្គសិក្សាជាភាសាខ្មែរ",
                "មេរៀនខ្លីៗ សំណួរសាកល្បង និងវិញ្ញាបនបត្រដែលម្ចាស់ជំនួយ និងនិយោជកអាចផ្ទៀងផ្ទាត់បាន។",
            ),
            ("សិក្ខាសាលាផ្ទាល់", "ជជែក សួរសំណួរ និងចូលរួមការស្ទង់មតិជាមួយអ្នកណែនាំ ទោះបីអ៊ីនធឺណិតដាច់ៗក៏ដោយ។"),
            ("ការណែនាំរវាងអង្គការ", "អង្គការថ្មីត្រូវបានផ្គូផ្គងជាមួយអង្គការដែលមានបទពិសោធ ដើម្បីរៀនពីគ្នាទៅវិញទៅមក។"),
        ],
    },
    "en": {
        "title": "CSO Academy",
        "intro": (
            "Courses, live workshops and mentoring from experienced organisations, "
            "for civil-society organisations in every province of Cambodia. "
            "Learn on your phone, even on a slow connection."
        ),
        "features": [
            (
                "Courses in Khmer",
                "Short lessons, quizzes and certificates that donors and employers can verify.",
            ),
            (
                "Live workshops",
                "Chat, ask questions and vote in polls with your trainer, even when the connection drops.",
            ),
            (
                "Mentoring between organisations",
                "New organisations are matched with experienced ones to learn from each other.",
            ),
        ],
    },
}


def _features(items):
    return [("feature", {"title": title, "text": text}) for title, text in items]


def seed(stdout) -> None:
    locale_km, _ = Locale.objects.get_or_create(language_code="km")
    locale_en, _ = Locale.objects.get_or_create(language_code="en")
    root = Page.get_first_root_node()
    # Wagtail's first migration adds a plain "Welcome" page; ours replaces it.
    welcome = root.get_children().filter(content_type__model="page", slug="home").first()
    if welcome is not None:
        welcome.slug = "wagtail-welcome"
        welcome.save(update_fields=["slug"])

    home = HomePage.objects.filter(locale=locale_km).first()
    if home is None:
        content = HOME["km"]
        home = HomePage(
            title=content["title"],
            slug="home",
            intro=content["intro"],
            features=_features(content["features"]),
            locale=locale_km,
        )
        root.add_child(instance=home)
        home.save_revision().publish()
        stdout.write("Created the Khmer home page.")

    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=home,
            is_default_site=True,
            site_name="CSO Academy",
        )
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.site_name = "CSO Academy"
        site.save()
    if welcome is not None:
        welcome.delete()

    home_en = home.get_translation_or_none(locale_en)
    if home_en is None:
        home_en = home.copy_for_translation(locale_en)
        content = HOME["en"]
        home_en.title = content["title"]
        home_en.intro = content["intro"]
        home_en.features = _features(content["features"])
        home_en.save_revision().publish()
        stdout.write("Created the English home page.")
