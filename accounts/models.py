"""People and the organisations they belong to."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from lms.sealed import digest, new_secret

from .geo import province_choices, province_name, validate_province
from .taxonomy import FocusAreaCode, LanguageCode


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        email = self.normalize_email(email)
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class User(AbstractUser):
    """A person. Signs in with an e-mail address.

    ``display_name`` is what others see (it may be a pseudonym, for safety);
    ``legal_name`` is printed on certificates and shown to nobody else.
    """

    class Language(models.TextChoices):
        KHMER = "km", _("Khmer")
        ENGLISH = "en", _("English")

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(
        _("display name"),
        max_length=80,
        help_text=_("Shown to others, for example in live workshops. It may be a pseudonym."),
    )
    legal_name = models.CharField(
        _("legal name"),
        max_length=150,
        blank=True,
        help_text=_("Printed on your certificates. Nobody else sees it."),
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=5,
        choices=Language.choices,
        default=Language.KHMER,
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.display_name or self.email

    def get_full_name(self) -> str:
        return self.legal_name or self.display_name

    def get_short_name(self) -> str:
        return self.display_name

    @property
    def certificate_name(self) -> str:
        return self.legal_name or self.display_name


class FocusArea(models.Model):
    """One term of the shared focus-area taxonomy (rows fixed by migration)."""

    code = models.CharField(max_length=40, unique=True, choices=FocusAreaCode.choices)

    class Meta:
        ordering = ["code"]
        verbose_name = _("focus area")
        verbose_name_plural = _("focus areas")

    def __str__(self) -> str:
        return str(self.label)

    @property
    def label(self) -> str:
        return FocusAreaCode(self.code).label


class OrganisationQuerySet(models.QuerySet):
    def for_member(self, user):
        return self.filter(memberships__user=user)

    def represented_by(self, user):
        return self.filter(memberships__user=user, memberships__role=Membership.Role.REPRESENTATIVE)

    def public(self):
        return self.filter(is_public=True)


class Organisation(models.Model):
    class Kind(models.TextChoices):
        NGO = "ngo", _("NGO")
        CBO = "cbo", _("Community-based organisation")
        NETWORK = "network", _("Network")
        UNION = "union", _("Union")
        OTHER = "other", _("Other")

    name_km = models.CharField(_("name in Khmer"), max_length=200, blank=True)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, allow_unicode=False)
    province = models.CharField(
        _("province"), max_length=2, choices=province_choices, validators=[validate_province]
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.NGO)
    year_founded = models.PositiveSmallIntegerField(
        _("year founded"),
        validators=[MinValueValidator(1950), MaxValueValidator(2100)],
    )
    staff_size = models.PositiveIntegerField(
        _("staff size"),
        validators=[MaxValueValidator(100_000)],
        help_text=_("Paid staff and regular volunteers."),
    )
    focus_areas = models.ManyToManyField(
        FocusArea, verbose_name=_("focus areas"), related_name="organisations", blank=True
    )
    working_languages = models.JSONField(_("working languages"), default=list)
    description = models.TextField(
        _("public description"),
        blank=True,
        max_length=4000,
        help_text=_("Shown on the organisation's public profile."),
    )
    is_public = models.BooleanField(
        _("public profile"),
        default=False,
        help_text=_("List the organisation in the public directory. Members are never listed."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name_en", "name_km"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = self._unique_slug()
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        language = get_language() or "km"
        if language.startswith("km"):
            return self.name_km or self.name_en
        return self.name_en or self.name_km

    # Headings of these columns in the admin's list of organisations.
    display_name.fget.short_description = _("name")

    @property
    def province_name(self) -> str:
        return province_name(self.province)

    province_name.fget.short_description = _("province")

    @property
    def working_language_labels(self) -> list[str]:
        return [str(LanguageCode(code).label) for code in self.working_languages]

    def years_active(self, today=None) -> int:
        today = today or timezone.localdate()
        return max(0, today.year - self.year_founded)

    def _unique_slug(self) -> str:
        base = slugify(self.name_en)[:60] or "organisation"
        slug, n = base, 1
        while Organisation.objects.filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        return slug


class Membership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        REPRESENTATIVE = "representative", _("Representative")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="accounts_membership_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"

    @property
    def is_representative(self) -> bool:
        return self.role == self.Role.REPRESENTATIVE


def _invitation_token() -> str:
    # Only the first migration refers to it (the token column it made is gone).
    return secrets.token_urlsafe(32)


def _invitation_expiry():
    return timezone.now() + timedelta(days=14)


class Invitation(models.Model):
    """An invitation to join an organisation, sent by e-mail.

    The invitee accepts it while signed in with the invited address, so
    nobody is added to an organisation without agreeing to it. The link's secret
    is not kept: only its digest (``lms.sealed.digest``), and the instance that
    made it carries it as ``token`` for the e-mail.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(
        _("role"), max_length=20, choices=Membership.Role.choices, default=Membership.Role.MEMBER
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=_invitation_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "organisation",
                condition=models.Q(accepted_at__isnull=True),
                name="accounts_invitation_one_open_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"

    def save(self, *args, **kwargs):
        if not self.token_hash:
            self.new_token()
        super().save(*args, **kwargs)

    def new_token(self) -> str:
        """A new secret for the link (set as ``self.token``); the row keeps its digest."""
        self.token = new_secret()
        self.token_hash = digest(self.token)
        return self.token

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()
