"""Permission policies shared by the apps' Wagtail admin views."""

from wagtail.permission_policies.base import ModelPermissionPolicy

WRITE_ACTIONS = frozenset({"add", "change", "delete"})


class ReadOnlyPolicy(ModelPermissionPolicy):
    """Admins may list, inspect and export a model; nobody adds, changes or deletes it
    through the admin, because changes go through the owning app's services.

    Who may view is the model's permissions, or ``may_view(user)`` when given (for
    example "runs mentoring"); other actions are then refused too.
    """

    def __init__(self, model, *, may_view=None, **kwargs):
        super().__init__(model, **kwargs)
        self.may_view = may_view

    def user_has_permission(self, user, action):
        if action in WRITE_ACTIONS:
            return False
        if self.may_view is not None:
            return action == "view" and self.may_view(user)
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)
