"""Every proposal explains itself in plain words, in Khmer and in English."""

from mentoring.explain import describe_pair, reason_phrases, slot_label, unmatched_reason_text
from mentoring.matcher import UnmatchedReason

REASONS = [
    {"kind": "focus", "values": [["financial-management", "must"], ["fundraising", "want"]]},
    {"kind": "province", "values": ["same", "03"]},
    {"kind": "languages", "values": ["km"]},
    {"kind": "mode", "values": ["either"]},
    {"kind": "availability", "values": ["tue-am", "thu-pm"]},
    {"kind": "experience", "values": [12, 2]},
]


def is_khmer(text: str) -> bool:
    return any("\u1780" <= ch <= "\u17ff" for ch in text)


def test_english_explanation_reads_as_a_sentence():
    assert describe_pair(REASONS, language="en") == (
        "shared focus: Financial management (must), Fundraising (want); "
        "both work in Kampong Cham; both in Khmer; can meet online or in person; "
        "Tuesday morning and Thursday afternoon free on both sides; "
        "the mentoring organisation has 12 more years of experience and "
        "a team at least 4 times larger"
    )


def test_khmer_explanation_uses_khmer_names():
    text = describe_pair(REASONS, language="km")
    assert "កំពង់ចាម" in text  # Kampong Cham
    assert "ការគ្រប់គ្រងហិរញ្ញវត្ថុ" in text  # financial management
    assert "ពេលព្រឹក ថ្ងៃអង្គារ" in text  # Tuesday morning
    assert "Financial" not in text and "Tuesday" not in text
    assert is_khmer(text)


def test_neighbouring_provinces_and_one_year_are_worded_right():
    phrases = reason_phrases(
        [
            {"kind": "province", "values": ["adjacent", "19", "10"]},
            {"kind": "experience", "values": [1, 0]},
            {"kind": "unknown-kind", "values": []},
        ],
        language="en",
    )
    assert phrases == [
        "neighbouring provinces: Stung Treng and Kratie",
        "the mentoring organisation has 1 more year of experience",
    ]


def test_every_unmatched_reason_has_words_in_both_languages():
    for code in (*UnmatchedReason.ALL, "removed"):
        english = unmatched_reason_text(code, language="en")
        khmer = unmatched_reason_text(code, language="km")
        assert english != code and english.endswith(".")
        assert is_khmer(khmer)


def test_slot_labels():
    assert slot_label("sat-eve", language="en") == "Saturday evening"
    assert slot_label("sat-eve", language="km") == "ពេលល្ងាច ថ្ងៃសៅរ៍"
    assert slot_label("someday") == "someday"
