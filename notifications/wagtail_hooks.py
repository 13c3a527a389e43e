from wagtail import hooks

from . import services


@hooks.register("lms_personal_data")
def notifications_personal_data(user):
    return ("notifications", services.personal_data(user))


@hooks.register("lms_account_deletion")
def notifications_account_deletion(user):
    services.erase_for_deleted_account(user)
