"""The editor's content: pages of every type, media, and a record in every
admin listing, written in Khmer; ``Content.latin`` holds what cannot be."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.utils import timezone, translation
from PIL import Image as PILImage
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    Page,
    PageLogEntry,
    Revision,
    Task,
    Workflow,
    WorkflowPage,
)

from .english import WORD


@dataclass
class Content:
    pages: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)
    latin: set[str] = field(default_factory=set)
    data: set[str] = field(default_factory=set)

    @property
    def sample_pages(self):
        return [self.pages["lesson"], self.pages["about"]]

    def allow(self, *texts: str) -> None:
        for text in texts:
            for word in WORD.findall(text or ""):
                self.latin.update([word, *word.split("-")])


def _png(colour=(40, 120, 90)) -> ImageFile:
    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 40), colour).save(buffer, "PNG")
    return ImageFile(buffer, name="mekong-river.png")


def build_content(editor) -> Content:
    """Pages of every type, media, and a record in every admin listing."""
    from accounts.factories import MembershipFactory, OrganisationFactory, UserFactory
    from certificates.services import issuing
    from courses.factories import (
        EnrolmentFactory,
        home_page,
        lesson_page,
        module_page,
        publish,
        quiz_block,
    )
    from courses.factories import catalogue_page as make_catalogue
    from courses.factories import course_page as make_course
    from lms.models import StandardPage
    from mentoring import services as mentoring_services
    from mentoring.factories import MentoringOfferFactory, MentoringRequestFactory
    from mentoring.models import MentoringExclusion
    from workshops.factories import WorkshopFactory
    from workshops.models import Attendance

    content = Content()
    # Wagtail's first migration leaves a "Welcome" page, which a real site
    # deletes; its other rows (the tree root, groups, a workflow) are
    # content in English, named by whoever set the site up.
    welcome_title = ""
    for welcome in Page.objects.filter(depth=2).exact_type(Page):
        welcome_title = welcome.title  # the site's history records its deletion
        welcome.delete()

    # The root collection comes from a migration, which a flushed database lacks.
    root = Collection.get_first_root_node() or Collection.add_root(name="Root")
    collection = root.add_child(name="រូបភាពវគ្គសិក្សា")
    image = get_image_model().objects.create(title="ទន្លេមេគង្គ", file=_png(), collection=collection)
    document = get_document_model().objects.create(
        title="សៀវភៅណែនាំហិរញ្ញវត្ថុ",
        file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="finance-handbook.pdf"),
    )
    content.allow(image.file.name, document.file.name)
    content.objects.update(collection=collection, image=image, document=document)

    home = home_page("km")
    catalogue = make_catalogue("km", intro="វគ្គសិក្សាសម្រាប់អង្គការសង្គមស៊ីវិល")
    course = make_course(
        catalogue,
        title="ការគ្រប់គ្រងហិរញ្ញវត្ថុ",
        slug="finance",
        summary="វគ្គសិក្សាខ្លីមួយ។",
        cover_image=image,
        topics=["financial-management"],
    )
    module = module_page(course, title="ជំពូកទី១", slug="chapter-1")
    lesson = lesson_page(
        module,
        title="ថវិកាប្រចាំឆ្នាំ",
        slug="budget",
        body=[
            ("heading", "ថវិកា"),
            ("paragraph", "<p>អានអត្ថបទនេះ។</p>"),
            ("image", {"image": image, "alt_text": "ទន្លេ", "caption": "ទន្លេមេគង្គ"}),
            (
                "video",
                {
                    "title": "វីដេអូណែនាំ",
                    "file": document,
                    "transcript": "<p>អត្ថបទវីដេអូ។</p>",
                },
            ),
            ("document", {"document": document, "description": "សៀវភៅ"}),
            ("callout", {"kind": "tip", "title": "គន្លឹះ", "text": "<p>រក្សាបង្កាន់ដៃ។</p>"}),
            quiz_block(
                [
                    {
                        "text": "តើថវិកាជាអ្វី?",
                        "answers": [("ផែនការ", True, "ត្រូវ។"), ("របាយការណ៍", False, "ខុស។")],
                    }
                ],
                title="ពិនិត្យការយល់ដឹង",
            ),
        ],
    )
    about = publish(home, StandardPage(title="អំពីយើង", slug="about", body="<p>អំពីយើង។</p>"))
    # A draft on top of the published lesson, and a second revision to compare.
    lesson.title = "ថវិកាប្រចាំឆ្នាំ (កែសម្រួល)"
    lesson.save_revision(user=editor)
    content.pages.update(
        home=home, catalogue=catalogue, course=course, module=module, lesson=lesson, about=about
    )
    content.allow("home", "courses", "finance", "chapter-1", "budget", "about", "localhost")

    # Moderation: a workflow with a group-approval task, a page in it.
    moderators, _ = Group.objects.get_or_create(name="អ្នកត្រួតពិនិត្យ")
    editor.groups.add(moderators)
    task = GroupApprovalTask.objects.create(name="ការត្រួតពិនិត្យខ្លឹមសារ")
    task.groups.set([moderators])
    workflow = Workflow.objects.create(name="ការអនុម័តវគ្គសិក្សា")
    workflow.workflow_tasks.create(task=task, sort_order=0)
    WorkflowPage.objects.create(workflow=workflow, page=about)
    workflow.start(about, editor)
    content.objects.update(workflow=workflow, task=task, group=moderators)

    redirect = Redirect.objects.create(old_path="/old-courses", redirect_page=catalogue)
    content.allow(redirect.old_path)

    # People, organisations, mentoring: a round approved (so a pair exists),
    # and a round under review.
    learner = UserFactory(email="sokha@example.org", display_name="សុខា", legal_name="ចាន់ សុខា")
    host = UserFactory(email="dara@example.org", display_name="ដារ៉ា")
    content.allow(learner.email, host.email)
    markets = []
    for mentee_km, mentee_en, mentor_km, mentor_en in (
        ("យុវជនស្ទឹងត្រែង", "Stung Treng Youth", "ជំនួយហិរញ្ញវត្ថុក្រចេះ", "Kratie Finance Helpdesk"),
        ("ស្ត្រីកំពត", "Kampot Women", "បណ្ដាញច្បាប់បាត់ដំបង", "Battambang Legal Network"),
    ):
        asking = OrganisationFactory(
            name_km=mentee_km, name_en=mentee_en, province="19", year_founded=2023, staff_size=4
        )
        offering = OrganisationFactory(
            name_km=mentor_km, name_en=mentor_en, province="10", year_founded=2001, staff_size=30
        )
        content.allow(asking.name_en, asking.slug, offering.name_en, offering.slug)
        MembershipFactory(user=learner, organisation=asking, role="representative")
        MembershipFactory(user=host, organisation=offering, role="representative")
        markets.append((asking, offering))
    partner = OrganisationFactory(name_km="អង្គការដៃគូ", name_en="Partner")
    content.allow(partner.name_en, partner.slug)
    MentoringExclusion.objects.create(
        organisation=markets[0][0],
        other_organisation=partner,
        kind=MentoringExclusion.Kind.CONFLICT,
        reason="អ្នកដឹកនាំដូចគ្នា",
    )

    def open_market(asking, offering):
        MentoringRequestFactory(
            organisation=asking, needs={"financial-management": "must"}, goals="សរសេររបាយការណ៍។"
        )
        MentoringOfferFactory(
            organisation=offering,
            focus_areas=["financial-management"],
            mentors=[host],
            description="យើងជួយរៀបចំបញ្ជីគណនេយ្យ។",
        )

    open_market(*markets[0])
    approved = mentoring_services.open_round(editor, name="ជុំទី១ ឆ្នាំ២០២៦")
    mentoring_services.run_round(editor, approved)
    mentoring_services.approve_round(editor, approved)
    open_market(*markets[1])
    matching_round = mentoring_services.open_round(editor, name="ជុំទី២ ឆ្នាំ២០២៦")
    mentoring_services.run_round(editor, matching_round)
    content.objects.update(learner=learner, matching_round=matching_round)

    # A workshop with attendance, an enrolment, a certificate.
    workshop = WorkshopFactory(
        title_km="សិក្ខាសាលាថវិកា",
        title_en="Budget workshop",
        description_km="សូមយកសំណួរមក។",
        host=host,
        course=course,
    )
    content.allow(workshop.title_en, workshop.description_en)
    now = timezone.now()
    Attendance.objects.create(
        workshop=workshop,
        user=learner,
        first_joined_at=now - timedelta(minutes=50),
        last_left_at=now,
        minutes=45,
        attended=True,
    )
    enrolment = EnrolmentFactory(user=learner, course=course)
    issuing.confirm_name(learner, legal_name="ចាន់ សុខា")
    certificate = issuing.issue_for(enrolment)
    content.objects.update(workshop=workshop, enrolment=enrolment, certificate=certificate)
    # As if edited in the admin: every revision and publication has its author.
    Revision.objects.filter(user=None).update(user=editor)
    PageLogEntry.objects.filter(user=None).update(user=editor)
    content.allow(certificate.code)
    # Django stores permission names in English when it creates them, and
    # the group form shows them as stored (also as "app | model | name").
    with translation.override("km"):
        for permission in Permission.objects.select_related("content_type"):
            content.data.update({permission.name, str(permission)})
    content.allow(
        welcome_title,
        Page.get_first_root_node().title,
        *Group.objects.values_list("name", flat=True),
        *Workflow.objects.values_list("name", flat=True),
        *Task.objects.values_list("name", flat=True),
    )
    return content
