"""The page tree editors can build, and authoring a course in the Wagtail admin."""

import json

from allauth.mfa.models import Authenticator
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from accounts.factories import UserFactory
from accounts.models import FocusArea
from courses import factories
from courses.models import (
    CatalogueIndexPage,
    CourseLanguage,
    CoursePage,
    LessonPage,
    ModulePage,
)
from lms.models import HomePage, StandardPage
from tests.conftest import login_with_mfa


def _quiz_value(answers, kind="single"):
    return {
        "title": "Check yourself",
        "intro": "",
        "pass_mark": "70",
        "max_attempts": "2",
        "questions": {
            "count": 1,
            "0": {
                "deleted": "",
                "order": 0,
                "value": {
                    "text": "Whose consent do you need?",
                    "kind": kind,
                    "answers": {
                        "count": len(answers),
                        **{
                            str(i): {
                                "deleted": "",
                                "order": i,
                                "value": {
                                    "text": text,
                                    "correct": "on" if correct else "",
                                    "feedback": "",
                                },
                            }
                            for i, (text, correct) in enumerate(answers)
                        },
                    },
                },
            },
        },
    }


class PageTreeTests(WagtailPageTestCase):
    def test_catalogue_goes_under_the_home_page_only(self):
        """A catalogue is created under a home page, never under other pages."""
        self.assertCanCreateAt(HomePage, CatalogueIndexPage)
        self.assertCanNotCreateAt(Page, CatalogueIndexPage)
        self.assertCanNotCreateAt(StandardPage, CatalogueIndexPage)
        self.assertCanNotCreateAt(CoursePage, CatalogueIndexPage)

    def test_courses_go_in_the_catalogue_and_lessons_in_courses_or_modules(self):
        """Courses live in the catalogue; lessons in a course or one of its modules."""
        self.assertCanCreateAt(CatalogueIndexPage, CoursePage)
        self.assertCanNotCreateAt(HomePage, CoursePage)
        self.assertCanNotCreateAt(CoursePage, CoursePage)
        self.assertCanCreateAt(CoursePage, ModulePage)
        self.assertCanCreateAt(CoursePage, LessonPage)
        self.assertCanCreateAt(ModulePage, LessonPage)
        self.assertCanNotCreateAt(CatalogueIndexPage, LessonPage)
        self.assertCanNotCreateAt(HomePage, LessonPage)
        self.assertCanNotCreateAt(ModulePage, ModulePage)
        self.assertCanNotCreateAt(LessonPage, LessonPage)
        self.assertCanNotCreateAt(LessonPage, ModulePage)

    def test_allowed_children(self):
        self.assertAllowedSubpageTypes(CatalogueIndexPage, {CoursePage})
        self.assertAllowedSubpageTypes(CoursePage, {ModulePage, LessonPage})
        self.assertAllowedParentPageTypes(LessonPage, {CoursePage, ModulePage})


class AuthoringTests(WagtailPageTestCase):
    def setUp(self):
        self.catalogue = factories.catalogue_page("km")
        self.editor = UserFactory(email="editor@example.org", is_staff=True, is_superuser=True)
        Authenticator.objects.create(
            user=self.editor, type=Authenticator.Type.TOTP, data={"secret": "x"}
        )
        login_with_mfa(self.client, self.editor)

    def _course_data(self, **overrides):
        data = {
            "title": "Safeguarding for small CBOs",
            "slug": "safeguarding",
            "summary": "Write your first safeguarding policy.",
            "description": rich_text("<p>For community groups.</p>"),
            "learning_outcomes": "Write a policy\nName a focal person",
            "level": "introductory",
            "format": "self-paced",
            "estimated_hours": "2.5",
            "prerequisite_links": inline_formset([]),
            "awards_certificate": "on",
            "min_workshops": "0",
            "prerequisite_rule": "advisory",
        }
        data.update(overrides)
        data = nested_form_data(data)
        # Multiple-choice fields post one value per box ticked (not nested keys).
        data["topics"] = [FocusArea.objects.get(code="safeguarding").pk]
        data["languages"] = [CourseLanguage.objects.get_or_create(code="km")[0].pk]
        return data

    def test_editor_creates_a_course_and_a_lesson_with_a_quiz(self):
        """Through the admin's forms an editor publishes a course, then a lesson with a quiz."""
        self.assertCanCreate(self.catalogue, CoursePage, self._course_data())
        course = CoursePage.objects.get(slug="safeguarding")
        assert course.live
        assert [t.code for t in course.topics.all()] == ["safeguarding"]
        assert course.outcomes == ["Write a policy", "Name a focal person"]

        lesson_data = nested_form_data(
            {
                "title": "What safeguarding means",
                "slug": "what",
                "intro": "",
                "duration_minutes": "15",
                "body": streamfield(
                    [
                        ("heading", "Keeping people safe"),
                        ("paragraph", rich_text("<p>Everyone has a part.</p>")),
                        ("quiz", _quiz_value([("The person", True), ("The chief", False)])),
                    ]
                ),
            }
        )
        self.assertCanCreate(course, LessonPage, lesson_data)
        lesson = LessonPage.objects.get(slug="what")
        assert lesson.has_quiz
        assert lesson.quiz_block.value["max_attempts"] == 2
        response = self.client.get(lesson.url)
        assert response.status_code == 200
        assert "Everyone has a part." in response.content.decode()

    def test_a_one_answer_question_needs_exactly_one_right_answer(self):
        """The admin refuses a single-answer question with two answers marked right."""
        course = factories.course_page(self.catalogue, title="C", slug="c")
        data = nested_form_data(
            {
                "title": "Broken quiz",
                "slug": "broken",
                "intro": "",
                "duration_minutes": "15",
                "body": streamfield(
                    [("quiz", _quiz_value([("A", True), ("B", True)]))],
                ),
                "action-publish": "action-publish",
            }
        )
        response = self.client.post(f"/admin/pages/add/courses/lessonpage/{course.pk}/", data)
        assert response.status_code == 200
        assert not LessonPage.objects.filter(slug="broken").exists()
        html = response.content.decode()
        # The admin speaks the editor's language, English or Khmer; block errors
        # travel to the editor's browser as JSON, with Khmer escaped.
        khmer = "សូមសម្គាល់ចម្លើយមួយគត់"
        expected = ("Mark exactly one answer as correct.", khmer, json.dumps(khmer)[1:-1])
        assert any(text in html for text in expected)

    def test_a_video_needs_a_transcript(self):
        """A video block without a transcript is refused."""
        course = factories.course_page(self.catalogue, title="C", slug="c")
        data = nested_form_data(
            {
                "title": "Video lesson",
                "slug": "video",
                "intro": "",
                "duration_minutes": "15",
                "body": streamfield(
                    [
                        (
                            "video",
                            {
                                "title": "Interview",
                                "file": "",
                                "external_url": "https://video.example.org/interview",
                                "external_size_mb": "12",
                                "duration_minutes": "4",
                                "poster": "",
                                "audio": "",
                                "transcript": rich_text(""),
                            },
                        )
                    ]
                ),
                "action-publish": "action-publish",
            }
        )
        response = self.client.post(f"/admin/pages/add/courses/lessonpage/{course.pk}/", data)
        assert response.status_code == 200
        assert not LessonPage.objects.filter(slug="video").exists()

    def test_editor_previews_a_draft_lesson(self):
        """The admin preview renders a lesson draft without recording anything."""
        course = factories.course_page(self.catalogue, title="C", slug="c")
        lesson = factories.lesson_page(course, title="Draft", slug="draft")
        response = self.client.get(f"/admin/pages/{lesson.pk}/edit/preview/")
        assert response.status_code == 200

    def test_editor_previews_a_lesson_before_saving_it(self):
        """Preview works on the add form too, before the lesson has a place in the tree."""
        course = factories.course_page(self.catalogue, title="C", slug="c")
        url = f"/admin/pages/add/courses/lessonpage/{course.pk}/preview/"
        data = nested_form_data(
            {
                "title": "Not saved yet",
                "slug": "unsaved",
                "intro": "",
                "duration_minutes": "15",
                "body": streamfield([("paragraph", rich_text("<p>Draft text.</p>"))]),
            }
        )
        assert self.client.post(url, data).json()["is_valid"]
        response = self.client.get(url)
        assert response.status_code == 200
        assert "Draft text." in response.content.decode()


class TranslationWorkflowTests(WagtailPageTestCase):
    """simple_translation copies a whole course into English for the editor to translate."""

    def setUp(self):
        factories.catalogue_page("en")
        self.catalogue = factories.catalogue_page("km")
        self.editor = UserFactory(email="editor@example.org", is_staff=True, is_superuser=True)
        Authenticator.objects.create(
            user=self.editor, type=Authenticator.Type.TOTP, data={"secret": "x"}
        )
        login_with_mfa(self.client, self.editor)

    def test_translate_a_course_with_its_modules_lessons_and_quiz(self):
        from wagtail.models import Locale

        course = factories.course_page(self.catalogue, title="វគ្គ", slug="course")
        module = factories.module_page(course, title="ផ្នែកទី១", slug="module-1")
        factories.lesson_page(
            module,
            title="មេរៀន",
            slug="lesson",
            body=[factories.quiz_block()],
        )
        english = Locale.objects.get(language_code="en")
        response = self.client.post(
            f"/admin/translation/submit/page/{course.pk}/",
            {"locales": [english.pk], "include_subtree": "on"},
        )
        assert response.status_code == 302
        translated = course.get_translation(english)
        assert translated.get_parent().specific.locale == english
        lesson = LessonPage.objects.get(locale=english)
        assert lesson.get_parent().specific_class is ModulePage
        assert lesson.has_quiz  # the structure travels; editors translate the text


class ModuleRedirectTests(WagtailPageTestCase):
    def test_a_module_url_leads_to_its_heading_in_the_course_outline(self):
        course = factories.course_page(factories.catalogue_page("km"), title="C", slug="c")
        module = factories.module_page(course, title="Audits", slug="audits")
        factories.lesson_page(module, title="Preparing", slug="preparing")
        response = self.client.get(module.url)
        assert response.status_code == 302
        assert response["Location"] == f"{course.url}#module-{module.pk}"
        html = self.client.get(course.url).content.decode()
        assert f'id="module-{module.pk}"' in html
        assert "Preparing" in html


class EnrolmentAdminTests(WagtailPageTestCase):
    def setUp(self):
        self.editor = UserFactory(email="editor@example.org", is_staff=True, is_superuser=True)
        Authenticator.objects.create(
            user=self.editor, type=Authenticator.Type.TOTP, data={"secret": "x"}
        )
        login_with_mfa(self.client, self.editor)

    def test_staff_list_and_export_enrolments_but_cannot_change_them(self):
        from courses import services

        course = factories.course_page(factories.catalogue_page("km"), title="Budgets", slug="b")
        learner = UserFactory(email="sokha@example.org", display_name="Sokha")
        enrolment = services.enrol(learner, course)
        listing = self.client.get("/admin/enrolments/")
        assert listing.status_code == 200
        assert "Budgets" in listing.content.decode()
        export = self.client.get("/admin/enrolments/?export=csv")
        assert b"sokha@example.org" in b"".join(export.streaming_content)
        assert self.client.get(f"/admin/enrolments/inspect/{enrolment.pk}/").status_code == 200
        assert self.client.get("/admin/enrolments/new/").status_code in (302, 403)
        assert self.client.get(f"/admin/enrolments/edit/{enrolment.pk}/").status_code in (302, 403)
