"""State changes for workshops and their live rooms: the public surface.

Other apps, views, the consumer, the admin and tasks import from here; the
modules behind it are split by subject:

``access``          who may see, join, host and schedule; fetch-or-404 helpers
``scheduling``      scheduling and changing workshops, reminders
``registration``    taking and giving up a place
``lifecycle``       starting and ending (by the host or automatically), housekeeping
``room.events``     the event log: sequence numbers, storing, broadcasting after commit
``room.actions``    what people do in the room (chat, hands, questions, polls, moderation)
``room.presence``   connections, presence, the stale-connection sweeper
``room.transcript`` the room's state folded from its log
``attendance``      minutes present and what counts as attending
``calendar``        private calendar feeds
``personal_data``   a person's data export and erasure

Every function checks who may act first, then writes. Room events are stored
with the next sequence number of their room, inside one transaction that
holds the workshop row's lock, and are broadcast to the room's channel layer
group only after that transaction commits. Consumers call these through
``database_sync_to_async``; views call them directly.
"""

from .access import (
    can_schedule,
    get_workshop_for_host,
    get_workshop_for_user,
    host_ids,
    in_audience,
    is_host,
    may_join,
    may_see,
    mentors_group,
    visible_upcoming_for,
)
from .attendance import (
    attendance_rows,
    attendance_threshold_minutes,
    attended_workshops_count,
    record_attendance,
)
from .calendar import calendar_feed_for, feed_workshops, get_feed_user, reset_calendar_feed
from .lifecycle import end_workshop, end_workshop_automatically, housekeeping, start_workshop
from .notices import announce_workshop
from .personal_data import erase_personal_data, export_personal_data
from .registration import is_registered, register, unregister
from .room.actions import (
    MAX_OPTION_LENGTH,
    MAX_POLL_OPTIONS,
    MAX_TEXT_LENGTH,
    answer_question,
    ask_question,
    close_poll,
    delete_message,
    open_poll,
    pin_notice,
    post_chat,
    remove_participant,
    set_hand,
    set_muted,
    upvote_question,
    vote_poll,
)
from .room.errors import ERROR_MESSAGES, RoomError, room_error
from .room.events import (
    Recorded,
    event_payload,
    events_after,
    group_name,
    my_votes,
    record_event,
    utc_timestamp,
)
from .room.presence import (
    PRESENCE_TIMEOUT,
    PROCESS_TIMEOUT,
    Joined,
    beat_process,
    join_room,
    leave_many,
    leave_room,
    online_count,
    participant_for,
    presence_snapshot,
    sweep_dead_processes,
    sweep_stale_connections,
    touch_connection,
)
from .room.transcript import transcript, transcript_text
from .scheduling import (
    AUTO_END_GRACE,
    REMINDER_OFFSETS,
    WORKSHOP_FIELDS,
    cancel_workshop,
    schedule_audience_workshop,
    schedule_background_tasks,
    schedule_workshop,
    send_due_reminders,
    update_workshop,
)

__all__ = [
    "announce_workshop",
    "cancel_workshop",
    "AUTO_END_GRACE",
    "ERROR_MESSAGES",
    "MAX_OPTION_LENGTH",
    "MAX_POLL_OPTIONS",
    "MAX_TEXT_LENGTH",
    "PRESENCE_TIMEOUT",
    "PROCESS_TIMEOUT",
    "REMINDER_OFFSETS",
    "WORKSHOP_FIELDS",
    "Joined",
    "Recorded",
    "RoomError",
    "answer_question",
    "ask_question",
    "attendance_rows",
    "attendance_threshold_minutes",
    "attended_workshops_count",
    "calendar_feed_for",
    "can_schedule",
    "close_poll",
    "delete_message",
    "end_workshop",
    "end_workshop_automatically",
    "erase_personal_data",
    "event_payload",
    "events_after",
    "export_personal_data",
    "feed_workshops",
    "get_feed_user",
    "get_workshop_for_host",
    "get_workshop_for_user",
    "group_name",
    "host_ids",
    "housekeeping",
    "in_audience",
    "is_host",
    "is_registered",
    "beat_process",
    "join_room",
    "leave_many",
    "leave_room",
    "may_join",
    "may_see",
    "mentors_group",
    "my_votes",
    "online_count",
    "open_poll",
    "participant_for",
    "pin_notice",
    "post_chat",
    "presence_snapshot",
    "record_attendance",
    "record_event",
    "utc_timestamp",
    "register",
    "remove_participant",
    "reset_calendar_feed",
    "room_error",
    "schedule_audience_workshop",
    "schedule_background_tasks",
    "schedule_workshop",
    "send_due_reminders",
    "set_hand",
    "set_muted",
    "start_workshop",
    "sweep_dead_processes",
    "sweep_stale_connections",
    "touch_connection",
    "transcript",
    "transcript_text",
    "unregister",
    "update_workshop",
    "upvote_question",
    "vote_poll",
    "visible_upcoming_for",
]
