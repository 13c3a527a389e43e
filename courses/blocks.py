"""StreamField blocks of a lesson body.

Every block is built for a phone on a slow, metered connection: images come
in phone-sized renditions and load lazily, video never loads until the
learner presses play and always has a transcript, files show their size.
The quiz block keeps its answer key on the server: its template is never
used to render questions (see ``courses/templates/courses/quiz.html``,
which receives a key-free view of the quiz from ``courses.quiz``).
"""

from django.core.exceptions import ValidationError
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock


class HeadingBlock(blocks.CharBlock):
    class Meta:
        icon = "title"
        label = _("Heading")
        template = "components/blocks/heading.html"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        label=_("Alternative text"),
        max_length=200,
        help_text=_("Describe the image for people who cannot see it."),
    )
    caption = blocks.CharBlock(label=_("Caption"), max_length=300, required=False)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "components/blocks/image.html"


class VideoBlock(blocks.StructBlock):
    """A video that never loads by itself, with a transcript and a light alternative."""

    title = blocks.CharBlock(label=_("Title"), max_length=200)
    file = DocumentChooserBlock(
        label=_("Video file"), required=False, help_text=_("An MP4 file uploaded here.")
    )
    external_url = blocks.URLBlock(
        label=_("External link"),
        required=False,
        help_text=_("Instead of a file: a link to the video elsewhere. It is never embedded."),
    )
    external_size_mb = blocks.DecimalBlock(
        label=_("Size of the external video (MB)"),
        required=False,
        min_value=0,
        max_digits=7,
        decimal_places=1,
    )
    duration_minutes = blocks.IntegerBlock(label=_("Length (minutes)"), required=False, min_value=0)
    poster = ImageChooserBlock(label=_("Poster image"), required=False)
    audio = DocumentChooserBlock(
        label=_("Audio-only version"),
        required=False,
        help_text=_("An MP3 for learners on a slow connection."),
    )
    transcript = blocks.RichTextBlock(
        label=_("Transcript"),
        features=["bold", "italic", "ol", "ul", "link"],
        help_text=_("Required: everything said in the video, for reading instead of watching."),
    )

    class Meta:
        icon = "media"
        label = _("Video")
        template = "components/blocks/video.html"

    def clean(self, value):
        value = super().clean(value)
        if bool(value.get("file")) == bool(value.get("external_url")):
            raise blocks.StructBlockValidationError(
                non_block_errors=[ValidationError(_("Give either a video file or a link."))]
            )
        transcript = value.get("transcript")
        if not strip_tags(transcript.source if transcript else "").strip():
            raise blocks.StructBlockValidationError(
                block_errors={
                    "transcript": ValidationError(
                        _("Add a transcript, for learners who cannot watch the video.")
                    )
                }
            )
        return value


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    description = blocks.CharBlock(label=_("Description"), max_length=300, required=False)

    class Meta:
        icon = "doc-full"
        label = _("Downloadable document")
        template = "components/blocks/document.html"


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        label=_("Kind"),
        choices=[("tip", _("Tip")), ("important", _("Important")), ("warning", _("Warning"))],
        default="tip",
    )
    title = blocks.CharBlock(label=_("Title"), max_length=120, required=False)
    text = blocks.RichTextBlock(label=_("Text"), features=["bold", "italic", "ol", "ul", "link"])

    class Meta:
        icon = "warning"
        label = _("Callout")
        template = "components/blocks/callout.html"


class AnswerBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Answer"), max_length=300)
    correct = blocks.BooleanBlock(label=_("Correct"), required=False)
    feedback = blocks.CharBlock(
        label=_("Feedback"),
        max_length=400,
        required=False,
        help_text=_("Shown after the learner submits, when they chose this answer."),
    )

    class Meta:
        icon = "tick"
        label = _("Answer")


class QuestionBlock(blocks.StructBlock):
    SINGLE = "single"
    MULTIPLE = "multiple"

    text = blocks.CharBlock(label=_("Question"), max_length=400)
    kind = blocks.ChoiceBlock(
        label=_("Kind"),
        choices=[(SINGLE, _("One right answer")), (MULTIPLE, _("Several right answers"))],
        default=SINGLE,
    )
    answers = blocks.ListBlock(AnswerBlock(), label=_("Answers"), min_num=2, max_num=8)

    class Meta:
        icon = "help"
        label = _("Question")

    def clean(self, value):
        value = super().clean(value)
        right = sum(1 for answer in value["answers"] if answer["correct"])
        if value["kind"] == self.SINGLE and right != 1:
            raise blocks.StructBlockValidationError(
                non_block_errors=[ValidationError(_("Mark exactly one answer as correct."))]
            )
        if value["kind"] == self.MULTIPLE and right < 1:
            raise blocks.StructBlockValidationError(
                non_block_errors=[ValidationError(_("Mark at least one answer as correct."))]
            )
        return value


class QuizBlock(blocks.StructBlock):
    """A graded quiz. Passing it marks the lesson as done."""

    title = blocks.CharBlock(
        label=_("Title"), max_length=120, default=_("Check your understanding")
    )
    intro = blocks.TextBlock(label=_("Introduction"), required=False, max_length=600)
    pass_mark = blocks.IntegerBlock(
        label=_("Pass mark (%)"), min_value=0, max_value=100, default=70
    )
    max_attempts = blocks.IntegerBlock(
        label=_("Attempts allowed"),
        min_value=0,
        default=0,
        help_text=_("0 means unlimited."),
    )
    questions = blocks.ListBlock(QuestionBlock(), label=_("Questions"), min_num=1, max_num=30)

    class Meta:
        icon = "form"
        label = _("Quiz")
        # Never rendered through a block template: see courses/quiz.py.
        template = "components/blocks/quiz_placeholder.html"


LESSON_BLOCKS = [
    ("heading", HeadingBlock()),
    (
        "paragraph",
        blocks.RichTextBlock(
            label=_("Text"),
            features=["h3", "bold", "italic", "ol", "ul", "link", "document-link", "hr"],
            icon="pilcrow",
        ),
    ),
    ("image", ImageBlock()),
    ("video", VideoBlock()),
    ("document", DocumentBlock()),
    ("callout", CalloutBlock()),
    ("quiz", QuizBlock()),
]

# One quiz per lesson: its result is the lesson's result.
LESSON_BLOCK_COUNTS = {"quiz": {"max_num": 1}}
