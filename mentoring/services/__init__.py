"""State changes for mentoring: the public surface.

Views, the admin, the demo and other apps import from here; the modules
behind it are split by subject:

``access``          who is who, and fetching a private object for a user (or 404)
``listings``        needs and offers (one shared path), conflicts of interest
``rounds``          matching rounds: open, run, review, approve, cancel
``lifecycle``       the pair's lifecycle, one function per action
``pair_work``       plan, check-ins, resources and private workshops of a pair
``notifications``   e-mails to the representatives of a pair's organisations
``personal_data``   a person's data export, and clean-up before their account goes

Every function checks who may act first, then validates, then writes; views,
the admin and other apps call these and never save the models themselves.
Errors a person can fix are ``ValidationError`` with a translated message;
acting without the right is ``PermissionDenied``; reading what is not yours
is ``Http404``.
"""

from .access import (
    get_exclusion_for_representative,
    get_goal_for_user,
    get_pair_for_user,
    get_resource_for_user,
    is_mentoring_admin,
    is_pair_mentor,
    member_sides,
    open_offer_of,
    open_request_of,
    pairs_for_user,
    representative_sides,
    waiting_for_answer,
)
from .lifecycle import (
    ALLOWED_FROM,
    Action,
    accept_pair,
    available_actions,
    complete_pair,
    decline_pair,
    end_pair,
)
from .listings import (
    close_offer,
    close_request,
    conflict_candidates,
    declare_conflict,
    offer_load,
    save_offer,
    save_request,
    withdraw_conflict,
)
from .notifications import notify, notify_due_check_ins, notify_pairs
from .pair_work import (
    MAX_RESOURCE_BYTES,
    RESOURCE_EXTENSIONS,
    add_check_in,
    add_goal,
    add_resource,
    can_schedule_for_pair,
    open_resource_file,
    pair_workshop_audience,
    remove_goal,
    remove_resource,
    schedule_pair_workshop,
)
from .personal_data import before_account_deletion, export_personal_data
from .rounds import (
    WEIGHT_FIELDS,
    approve_round,
    cancel_round,
    offer_input,
    open_round,
    remove_proposal,
    request_input,
    round_inputs,
    run_round,
    set_locked,
    swap_proposals,
    update_round,
    weights_of,
)

__all__ = [
    "ALLOWED_FROM",
    "MAX_RESOURCE_BYTES",
    "RESOURCE_EXTENSIONS",
    "WEIGHT_FIELDS",
    "Action",
    "accept_pair",
    "add_check_in",
    "add_goal",
    "add_resource",
    "approve_round",
    "available_actions",
    "before_account_deletion",
    "can_schedule_for_pair",
    "cancel_round",
    "close_offer",
    "close_request",
    "complete_pair",
    "conflict_candidates",
    "decline_pair",
    "declare_conflict",
    "end_pair",
    "export_personal_data",
    "get_exclusion_for_representative",
    "get_goal_for_user",
    "get_pair_for_user",
    "get_resource_for_user",
    "is_mentoring_admin",
    "is_pair_mentor",
    "member_sides",
    "notify",
    "notify_due_check_ins",
    "notify_pairs",
    "offer_input",
    "offer_load",
    "open_offer_of",
    "open_request_of",
    "open_resource_file",
    "open_round",
    "pair_workshop_audience",
    "pairs_for_user",
    "remove_goal",
    "remove_proposal",
    "remove_resource",
    "representative_sides",
    "request_input",
    "round_inputs",
    "run_round",
    "save_offer",
    "save_request",
    "schedule_pair_workshop",
    "set_locked",
    "swap_proposals",
    "update_round",
    "waiting_for_answer",
    "weights_of",
    "withdraw_conflict",
]
