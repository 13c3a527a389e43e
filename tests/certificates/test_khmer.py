"""Khmer typography: word breaks for line wrapping, numerals and written dates."""

import datetime

from certificates import khmer

TITLE = "វគ្គបណ្តុះបណ្តាលស្តីពីការគ្រប់គ្រងហិរញ្ញវត្ថុសម្រាប់អង្គការសង្គមស៊ីវិល"


def test_segmentation_puts_zero_width_spaces_between_khmer_words():
    """The title gains break opportunities and loses no character."""
    segmented = khmer.segment(TITLE)
    words = segmented.split(khmer.ZWSP)
    assert len(words) >= 8
    assert "".join(words) == TITLE
    assert "ហិរញ្ញវត្ថុ" in words


def test_segmentation_never_splits_a_cluster_or_strands_a_sign():
    """No piece starts with a combining mark, a subscript or the repetition sign."""
    text = "សង្គមស៊ីវិលថ្មីៗនៅតាមខេត្ត។"
    for word in khmer.segment(text).split(khmer.ZWSP):
        first = word[0]
        assert first not in khmer.NO_BREAK_BEFORE
        assert not ("\u17b6" <= first <= "\u17d3"), word  # dependent vowels, signs, coeng


def test_segmentation_leaves_latin_text_and_is_idempotent():
    assert khmer.segment("Financial management") == "Financial management"
    once = khmer.segment(TITLE)
    assert khmer.segment(once) == once


def test_mixed_text_only_breaks_inside_khmer_runs():
    text = "CSO Academy បណ្ឌិត្យសភា"
    segmented = khmer.segment(text)
    assert segmented.startswith("CSO Academy ")
    assert khmer.ZWSP not in segmented[: len("CSO Academy ")]


def test_dates_are_written_out_in_each_language():
    day = datetime.date(2026, 3, 15)
    assert khmer.format_date_km(day) == "ថ្ងៃទី១៥ ខែមីនា ឆ្នាំ២០២៦"
    assert khmer.format_date_en(day) == "15 March 2026"
    assert khmer.format_date_km(datetime.date(2025, 12, 1)) == "ថ្ងៃទី១ ខែធ្នូ ឆ្នាំ២០២៥"
