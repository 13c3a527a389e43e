from django.db import models


class CertificateQuerySet(models.QuerySet):
    def current(self):
        return self.filter(is_current=True)

    def visible_to(self, user):
        """Certificates ``user`` may see in their own pages: theirs, and their organisations'."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            models.Q(recipient=user) | models.Q(organisation__memberships__user=user)
        ).distinct()

    def needing_render(self):
        return self.filter(status="valid").exclude(render_state="ready")
